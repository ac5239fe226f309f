package dev.beacon.campaign;

import static dev.beacon.campaign.CampaignFixtures.NOW;
import static dev.beacon.campaign.CampaignFixtures.ORG;
import static dev.beacon.campaign.CampaignFixtures.TOPIC;
import static dev.beacon.campaign.CampaignFixtures.assertMoney;
import static dev.beacon.campaign.CampaignFixtures.at;
import static dev.beacon.campaign.CampaignFixtures.event;
import static dev.beacon.campaign.CampaignFixtures.inSession;
import static dev.beacon.campaign.CampaignFixtures.settings;
import static dev.beacon.campaign.CampaignFixtures.withValue;
import static dev.beacon.event.EventType.CLICK;
import static dev.beacon.event.EventType.CONVERSION;
import static dev.beacon.event.EventType.IMPRESSION;
import static dev.beacon.event.EventType.VIEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beacon.event.Delivered;
import dev.beacon.event.Verdict;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.TestKits;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The campaign entity: applying batches, idempotency, queries and recovery from snapshots. */
class CampaignTest {
  private static final ActorTestKit testKit = ActorTestKit.create("CampaignTest", TestKits.eventSourcedConfig());
  private static final AtomicInteger campaigns = new AtomicInteger();

  private final MovableClock clock = new MovableClock(NOW);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A fresh campaign (its own persistence id) on this test's clock. */
  private EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, CampaignState> campaign(CampaignSettings settings) {
    var id = Campaign.entityId(ORG, "campaign-" + campaigns.incrementAndGet());
    return EventSourcedBehaviorTestKit.create(testKit.system(), Campaign.create(id, settings, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<Campaign.Command, Campaign.Event, CampaignState,
      StatusReply<Campaign.Applied>> apply(EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, CampaignState> kit,
      Delivered... events) {
    return kit.runCommand(replyTo -> new Campaign.Apply(List.of(events), Set.of(), replyTo));
  }
  /** Applied, redelivered and duplicate deliveries of a reply. */
  private static List<Long> counts(Campaign.Applied applied) {
    var v = applied.verdicts();
    return List.of((long) java.util.Collections.frequency(v, Verdict.APPLIED),
        (long) java.util.Collections.frequency(v, Verdict.REDELIVERED), (long) java.util.Collections.frequency(v, Verdict.DUPLICATE));
  }


  private static StatusReply<CampaignMetrics> metrics(
      EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, CampaignState> kit, Duration window) {
    return kit.<StatusReply<CampaignMetrics>>runCommand(replyTo -> new Campaign.GetMetrics(window, replyTo)).reply();
  }

  private static StatusReply<Campaign.DailyMetrics> daily(
      EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, CampaignState> kit, LocalDate from, LocalDate to) {
    return kit.<StatusReply<Campaign.DailyMetrics>>runCommand(replyTo -> new Campaign.GetDaily(from, to, replyTo)).reply();
  }

  private static List<Delivered> firstBatch() {
    return List.of(
        at(withValue("i1", IMPRESSION, NOW.minusSeconds(50), "0.5"), 0, 0),
        at(withValue("i2", IMPRESSION, NOW.minusSeconds(40), "0.5"), 0, 1),
        at(withValue("c1", CLICK, NOW.minusSeconds(30), "1"), 0, 2),
        at(withValue("v1", CONVERSION, NOW.minusSeconds(20), "20"), 0, 3));
  }

  @Test
  void applyingABatchPersistsOneEventAndUpdatesTheMetrics() {
    var kit = campaign(settings());

    var result = apply(kit, firstBatch().toArray(Delivered[]::new));

    assertEquals(List.of(4L, 0L, 0L), counts(result.reply().getValue()));
    var persisted = result.eventOfType(Campaign.EventsApplied.class);
    assertEquals(4, persisted.counted().size());
    assertEquals(Map.of(TOPIC + "-0", 3L), persisted.offsets());
    assertEquals(NOW.toEpochMilli(), persisted.appliedAtMillis());
    var m = metrics(kit, null).getValue();
    assertEquals("campaign-" + campaigns.get(), m.campaignId());
    assertEquals(ORG, m.organizationId());
    assertEquals(NOW, m.timestamp());
    assertEquals(2L, m.impressions());
    assertEquals(1L, m.clicks());
    assertEquals(1L, m.conversions());
    assertEquals(50.0, m.ctr());
    assertEquals(100.0, m.conversionRate());
    assertMoney("2", m.totalSpent());
    assertMoney("20", m.conversionValue());
    assertMoney("2", m.cpc());
    assertMoney("2", m.cpa());
  }

  @Test
  void theSameBatchAgainChangesNothingAndIsReportedRedelivered() {
    var kit = campaign(settings());
    apply(kit, firstBatch().toArray(Delivered[]::new));
    var before = metrics(kit, null).getValue();

    var again = apply(kit, firstBatch().toArray(Delivered[]::new));

    assertEquals(List.of(0L, 4L, 0L), counts(again.reply().getValue()));
    assertTrue(again.hasNoEvents());
    assertEquals(before, metrics(kit, null).getValue());
  }

  @Test
  void aRetriedNoUserEventAtALaterOffsetChangesNoMetric() {
    var kit = campaign(settings());
    apply(kit, firstBatch().toArray(Delivered[]::new));
    var before = metrics(kit, null).getValue();
    clock.advance(Duration.ofMinutes(2));

    var retry = apply(kit, at(withValue("c1", CLICK, NOW.minusSeconds(30), "1"), 0, 7));

    assertEquals(List.of(0L, 0L, 1L), counts(retry.reply().getValue()));
    var persisted = retry.eventOfType(Campaign.EventsApplied.class);
    assertTrue(persisted.counted().isEmpty());
    assertEquals(Map.of(TOPIC + "-0", 7L), persisted.offsets()); // so that offset 7 is known as applied
    var after = metrics(kit, null).getValue();
    assertEquals(before.clicks(), after.clicks());
    assertEquals(before.totalSpent(), after.totalSpent());
  }

  @Test
  void aNoUserEventTwiceInOneBatchCountsOnce() {
    var kit = campaign(settings());

    var result = apply(kit, at(event("dup", IMPRESSION, NOW), 0, 0), at(event("dup", IMPRESSION, NOW), 1, 0));

    assertEquals(List.of(1L, 0L, 1L), counts(result.reply().getValue()));
    assertEquals(1L, metrics(kit, null).getValue().impressions());
  }

  @Test
  void aNoUserEventIsCountedAgainAfterTheDedupWindow() {
    var kit = campaign(settings("dedup-window = 10m"));
    apply(kit, at(event("again", IMPRESSION, NOW), 0, 0));
    clock.advance(Duration.ofMinutes(10).plusMillis(1));

    var result = apply(kit, at(event("again", IMPRESSION, NOW), 0, 1));

    assertEquals(List.of(1L, 0L, 0L), counts(result.reply().getValue()));
    assertEquals(2L, metrics(kit, null).getValue().impressions());
  }

  @Test
  void eventsWithAUserAreLeftToTheirJourneyToDeduplicate() {
    var kit = campaign(settings());
    apply(kit, at(event("u1", CLICK, NOW, 0, 0, "user-1", null), 0, 0));

    var result = apply(kit, at(event("u1", CLICK, NOW, 0, 0, "user-1", null), 0, 1));

    assertEquals(List.of(1L, 0L, 0L), counts(result.reply().getValue()));
    assertEquals(2L, metrics(kit, null).getValue().clicks());
  }

  @Test
  void queriesOfACampaignThatSawNoEventAnswerUnknownCampaign() {
    var kit = campaign(settings());

    var metrics = metrics(kit, null);
    var days = daily(kit, LocalDate.of(2024, 5, 1), LocalDate.of(2024, 5, 1));

    assertTrue(metrics.isError());
    assertEquals(Campaign.UNKNOWN_CAMPAIGN, metrics.getError().getMessage());
    assertEquals("unknown campaign", days.getError().getMessage());
  }

  @Test
  void metricsOverAWindowCountTheMinutesFromNowMinusTheWindow() {
    var kit = campaign(settings());
    clock.advance(Duration.ofSeconds(30)); // 12:00:30
    apply(kit,
        at(event("a", IMPRESSION, Instant.parse("2024-05-01T11:58:10Z")), 0, 0),
        at(event("b", IMPRESSION, Instant.parse("2024-05-01T11:59:50Z")), 0, 1),
        at(event("c", IMPRESSION, Instant.parse("2024-05-01T12:00:20Z")), 0, 2),
        at(event("d", IMPRESSION, Instant.parse("2024-04-30T12:00:00Z")), 0, 3));

    // 60 s before 12:00:30 is 11:59:30: the window starts at 11:59:00
    var lastMinute = metrics(kit, Duration.ofSeconds(60)).getValue();
    var lastThree = metrics(kit, Duration.ofSeconds(180)).getValue();
    var allTime = metrics(kit, null).getValue();

    assertEquals(2L, lastMinute.impressions());
    assertEquals(Instant.parse("2024-05-01T12:00:30Z"), lastMinute.timestamp());
    assertEquals(3L, lastThree.impressions());
    assertEquals(4L, allTime.impressions());
  }

  @Test
  void dailyListsOneRowPerDayIncludingDaysWithoutEvents() {
    var kit = campaign(settings());
    apply(kit,
        at(withValue("a", CLICK, Instant.parse("2024-04-29T08:00:00Z"), "1.25"), 0, 0),
        at(event("b", IMPRESSION, Instant.parse("2024-05-01T08:00:00Z")), 0, 1),
        at(event("c", IMPRESSION, Instant.parse("2024-05-01T09:00:00Z")), 0, 2));

    var reply = daily(kit, LocalDate.of(2024, 4, 29), LocalDate.of(2024, 5, 1)).getValue();

    assertEquals("campaign-" + campaigns.get(), reply.campaignId());
    assertEquals(ORG, reply.organizationId());
    assertEquals(List.of(LocalDate.of(2024, 4, 29), LocalDate.of(2024, 4, 30), LocalDate.of(2024, 5, 1)),
        reply.days().stream().map(CampaignMetrics.Daily::date).toList());
    assertEquals(List.of(1L, 0L, 0L), reply.days().stream().map(CampaignMetrics.Daily::clicks).toList());
    assertEquals(List.of(0L, 0L, 2L), reply.days().stream().map(CampaignMetrics.Daily::impressions).toList());
    assertMoney("1.25", reply.days().get(0).spent());
    assertMoney("0", reply.days().get(1).spent());
  }

  /** Five batches, a minute apart, with sessions, values, views and a late event. */
  private void applyFiveBatches(EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, CampaignState> kit) {
    for (int i = 0; i < 5; i++) {
      var t = clock.instant();
      apply(kit,
          at(withValue("i" + i, IMPRESSION, t, "0.2"), 0, 3L * i),
          at(inSession("c" + i, CLICK, t.minusSeconds(5), "s" + (i % 2)), 0, 3L * i + 1),
          at(event("v" + i, VIEW, t.minus(Duration.ofHours(30)), 0, 1_500L * (i + 1), "user-" + i, "s" + i), 1, i));
      clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void aRestartFromSnapshotAndEventsAnswersTheSameMetrics() {
    var kit = campaign(settings("snapshot-every = 2"));
    applyFiveBatches(kit);
    var allTime = metrics(kit, null).getValue();
    var lastMinutes = metrics(kit, Duration.ofMinutes(3)).getValue();
    var days = daily(kit, LocalDate.of(2024, 4, 29), LocalDate.of(2024, 5, 1)).getValue();
    var snapshots = kit.snapshotTestKit().orElseThrow();
    var pid = "Campaign|" + ORG + "|campaign-" + campaigns.get();
    snapshots.expectNextPersistedClass(pid, CampaignState.class);  // after batch 2
    snapshots.expectNextPersistedClass(pid, CampaignState.class);  // after batch 4; batch 5 is replayed

    kit.restart();

    assertEquals(allTime, metrics(kit, null).getValue());
    assertEquals(lastMinutes, metrics(kit, Duration.ofMinutes(3)).getValue());
    assertEquals(days, daily(kit, LocalDate.of(2024, 4, 29), LocalDate.of(2024, 5, 1)).getValue());
    assertEquals(5L, allTime.impressions());
    assertEquals(5L, allTime.views());
    assertEquals(5L, allTime.sessions());
    assertEquals(60.0, allTime.bounceRate());      // s2, s3 and s4 had one event each

    kit.restart();

    assertEquals(allTime, metrics(kit, null).getValue());
  }

  @Test
  void aSnapshotHoldsTheStateAsItWasWhenTaken() {
    var kit = campaign(settings("snapshot-every = 2"));
    var snapshots = kit.snapshotTestKit().orElseThrow();
    var pid = "Campaign|" + ORG + "|campaign-" + campaigns.get();
    apply(kit, at(withValue("a", CLICK, NOW, "1"), 0, 0));
    apply(kit, at(withValue("b", CLICK, NOW, "2"), 0, 1));
    var atSnapshot = metrics(kit, null).getValue();
    var snapshot = snapshots.expectNextPersistedClass(pid, CampaignState.class);

    apply(kit, at(withValue("c", CLICK, NOW, "4"), 0, 2));

    assertEquals(atSnapshot, CampaignMetrics.of(ORG, "campaign-" + campaigns.get(), NOW, snapshot.window(null)));
    assertEquals(3L, metrics(kit, null).getValue().clicks());
  }

  @Test
  void aRestartedCampaignStillRecognisesRedeliveryAndRetries() {
    var kit = campaign(settings("snapshot-every = 2"));
    applyFiveBatches(kit);
    var before = metrics(kit, null).getValue();

    kit.restart();
    var redelivered = apply(kit, at(withValue("i4", IMPRESSION, NOW, "0.2"), 0, 12));
    var retried = apply(kit, at(withValue("i4", IMPRESSION, NOW, "0.2"), 0, 15));

    assertEquals(List.of(0L, 1L, 0L), counts(redelivered.reply().getValue()));
    assertEquals(List.of(0L, 0L, 1L), counts(retried.reply().getValue()));
    assertEquals(before, metrics(kit, null).getValue());
  }
}
