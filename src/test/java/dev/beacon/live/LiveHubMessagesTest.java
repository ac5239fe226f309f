package dev.beacon.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.campaign.Alert;
import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignMetrics;
import dev.beacon.journey.AttributionCommitted;
import dev.beacon.journey.FeedAdded;
import dev.beacon.journey.FeedItem;
import dev.beacon.testing.TestKits;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What entities publish to an organisation's hub crosses nodes when the hub lives on another:
 * every kind of update comes back from Beacon's serialization as it was sent.
 */
class LiveHubMessagesTest {
  private static final ActorTestKit testKit = ActorTestKit.create(TestKits.eventSourcedConfig());

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyKindOfUpdateCrossesNodes() {
    var metrics = new CampaignMetrics("c1", "acme", Instant.parse("2026-12-01T10:00:00Z"), 10, 2, 1, 0, 0, 0, 0, 20.0, 50.0,
        new BigDecimal("1.50"), new BigDecimal("9.99"), new BigDecimal("0.75"), new BigDecimal("1.50"), null, null, 3, 33.3, 0,
        null, null, 9, 2, 1, 1, 10.0);
    var updates = List.of(new Campaign.CampaignChanged(metrics),
        new FeedAdded("acme", List.of(new FeedItem(1_000L, "page_view", "u1", "Email", "news"))),
        new AttributionCommitted("acme"),
        new Campaign.AlertRaised("acme", "c1", new Alert(Alert.CTR, Instant.parse("2026-12-01T09:00:00Z"), 0.5, 5.0, -9.0,
            Alert.BELOW)));
    for (var update : updates) {
      var publish = new LiveHub.Publish(update);
      assertThat(testKit.serializationTestKit().verifySerialization(publish, true)).isEqualTo(publish);
    }
  }
}
