package dev.beacon.campaign;

import static dev.beacon.campaign.CampaignFixtures.NOW;
import static dev.beacon.campaign.CampaignFixtures.ORG;
import static dev.beacon.campaign.CampaignFixtures.at;
import static dev.beacon.campaign.CampaignFixtures.settings;
import static dev.beacon.campaign.CampaignFixtures.withValue;
import static dev.beacon.event.EventType.IMPRESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.event.Delivered;
import dev.beacon.testing.TestKits;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A campaign whose journal write fails restarts (with backoff) and recovers from the journal
 * alone: nothing of the failed write is counted, nothing recovered is counted twice.
 */
class CampaignJournalFailureTest {
  private static final ActorTestKit testKit = ActorTestKit.create("CampaignJournalFailureTest", TestKits.eventSourcedConfig());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static void apply(ActorRef<Campaign.Command> campaign, TestProbe<StatusReply<Campaign.Applied>> replies, Delivered d) {
    campaign.tell(new Campaign.Apply(List.of(d), java.util.Set.of(), replies.ref()));
  }

  @Test
  void aFailedWriteThenTheRedeliveryCountsEachEventOnce() {
    var journal = PersistenceTestKit.create(testKit.system());
    var campaign = testKit.spawn(Campaign.create(Campaign.entityId(ORG, "journal-failure"), settings(),
        Clock.fixed(NOW, ZoneOffset.UTC)));
    var replies = testKit.<StatusReply<Campaign.Applied>>createTestProbe();
    apply(campaign, replies, at(withValue("i1", IMPRESSION, NOW.minusSeconds(50), "1"), 0, 0));
    apply(campaign, replies, at(withValue("i2", IMPRESSION, NOW.minusSeconds(40), "1"), 0, 1));
    replies.receiveSeveralMessages(2);

    journal.failNextPersisted();
    var third = at(withValue("i3", IMPRESSION, NOW.minusSeconds(30), "1"), 0, 2);
    apply(campaign, replies, third);
    replies.expectNoMessage(Duration.ofMillis(300));
    // the stream's retry after the failed batch: the same record again
    apply(campaign, replies, third);
    assertThat(replies.receiveMessage(Duration.ofSeconds(5)).getValue().verdicts()).containsExactly(dev.beacon.event.Verdict.APPLIED);

    var metrics = testKit.<StatusReply<CampaignMetrics>>createTestProbe();
    campaign.tell(new Campaign.GetMetrics(null, metrics.ref()));
    var m = metrics.receiveMessage().getValue();
    assertThat(m.impressions()).isEqualTo(3);
    assertThat(m.totalSpent()).isEqualByComparingTo("3");
  }
}
