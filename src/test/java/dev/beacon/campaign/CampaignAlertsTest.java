package dev.beacon.campaign;

import static dev.beacon.campaign.CampaignFixtures.ORG;
import static dev.beacon.campaign.CampaignFixtures.at;
import static dev.beacon.campaign.CampaignFixtures.event;
import static dev.beacon.campaign.CampaignFixtures.settings;
import static dev.beacon.campaign.CampaignFixtures.withValue;
import static dev.beacon.event.EventType.CLICK;
import static dev.beacon.event.EventType.IMPRESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.event.Delivered;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.TestKits;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The campaign entity's anomaly alerts and daily budget: judged once per closed hour, kept across restarts. */
class CampaignAlertsTest {
  private static final ActorTestKit testKit = ActorTestKit.create("CampaignAlertsTest", TestKits.eventSourcedConfig());
  private static final AtomicInteger campaigns = new AtomicInteger();
  private static final Instant START = Instant.parse("2024-05-01T04:00:00Z");

  private final MovableClock clock = new MovableClock(START);
  private long offset;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, CampaignState> campaign() {
    var id = Campaign.entityId(ORG, "alerting-" + campaigns.incrementAndGet());
    return EventSourcedBehaviorTestKit.create(testKit.system(), Campaign.create(id, settings(), clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  /** An hour's traffic, applied half past it: impressions, and clicks of 1 each. */
  private EventSourcedBehaviorTestKit.CommandResultWithReply<Campaign.Command, Campaign.Event, CampaignState,
      StatusReply<Campaign.Applied>> hour(EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, CampaignState> kit,
      int impressions, int clicks) {
    var events = new ArrayList<Delivered>();
    var now = clock.instant();
    for (int i = 0; i < impressions; i++) events.add(at(event("i" + offset, IMPRESSION, now), 0, offset++));
    for (int i = 0; i < clicks; i++) events.add(at(withValue("c" + offset, CLICK, now, "1"), 0, offset++));
    return kit.runCommand(replyTo -> new Campaign.Apply(events, Set.of(), replyTo));
  }

  private static List<Alert> alerts(EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, CampaignState> kit) {
    return kit.<StatusReply<Campaign.Alerts>>runCommand(Campaign.GetAlerts::new).reply().getValue().alerts();
  }

  @Test
  void aCollapsedHourIsJudgedOnceByTheFirstBatchAfterItAndItsAlertOutlivesARestart() {
    var kit = campaign();
    for (int h = 0; h < 8; h++) {
      clock.advance(Duration.ofMinutes(30));
      hour(kit, 200, 10);
      clock.advance(Duration.ofMinutes(30));
    }
    clock.advance(Duration.ofMinutes(30));
    hour(kit, 200, 0);
    clock.advance(Duration.ofMinutes(31));

    var closing = hour(kit, 1, 0);

    var judged = closing.eventOfType(Campaign.EventsApplied.class);
    assertThat(judged.counted()).hasSize(1);
    assertThat(closing.events()).hasSize(2);
    var alerts = alerts(kit);
    assertThat(alerts).extracting(Alert::metric).containsExactlyInAnyOrder(Alert.CTR, Alert.SPEND_PACE);
    assertThat(alerts).allSatisfy(a -> {
      assertThat(a.hour()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
      assertThat(a.direction()).isEqualTo(Alert.BELOW);
    });
    assertThat(alerts.get(0).expected()).isGreaterThan(0);

    assertThat(hour(kit, 1, 0).events()).hasSize(1);
    kit.restart();
    assertThat(alerts(kit)).isEqualTo(alerts);
    assertThat(hour(kit, 1, 0).events()).hasSize(1);
  }

  @Test
  void steadyTrafficRaisesNothing() {
    var kit = campaign();
    for (int h = 0; h < 10; h++) {
      clock.advance(Duration.ofMinutes(30));
      hour(kit, 200, 10);
      clock.advance(Duration.ofMinutes(30));
    }
    assertThat(alerts(kit)).isEmpty();
  }

  @Test
  void aDailyBudgetIsSetValidatedKeptAndCleared() {
    var kit = campaign();
    var refused = kit.<StatusReply<Campaign.Configuration>>runCommand(
        replyTo -> new Campaign.SetBudget(new BigDecimal("-1"), replyTo));
    assertThat(refused.reply().isError()).isTrue();
    assertThat(refused.hasNoEvents()).isTrue();

    kit.<StatusReply<Campaign.Configuration>>runCommand(replyTo -> new Campaign.SetBudget(new BigDecimal("250.50"), replyTo));
    kit.restart();
    var kept = kit.<StatusReply<Campaign.Configuration>>runCommand(Campaign.GetConfiguration::new).reply().getValue();
    assertThat(kept.dailyBudget()).isEqualByComparingTo("250.5");

    var cleared = kit.<StatusReply<Campaign.Configuration>>runCommand(replyTo -> new Campaign.SetBudget(null, replyTo));
    assertThat(cleared.reply().getValue().dailyBudget()).isNull();
  }

  @Test
  void spendingFasterThanTheBudgetAllowsAlerts() {
    var kit = campaign();
    kit.<StatusReply<Campaign.Configuration>>runCommand(replyTo -> new Campaign.SetBudget(new BigDecimal("100"), replyTo));
    clock.advance(Duration.ofMinutes(30));
    // by 05:00 the even pace of 100 a day is 20.83; 60 spent is far past it
    hour(kit, 10, 60);
    clock.advance(Duration.ofMinutes(31));
    hour(kit, 1, 0);

    assertThat(alerts(kit)).singleElement().satisfies(a -> {
      assertThat(a.metric()).isEqualTo(Alert.BUDGET_PACE);
      assertThat(a.value()).isEqualTo(60.0);
    });
  }
}
