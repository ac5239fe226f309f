package dev.beacon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.event.EventType;
import java.time.Duration;
import org.awaitility.Awaitility;

/** Campaign totals over HTTP, compared with what an {@link EventMix} says each campaign must show. */
public final class CampaignTotals {
  private CampaignTotals() {}

  /** Waits until every campaign of the mix shows exactly its totals. */
  public static void await(int httpPort, EventMix mix, Duration atMost) {
    var http = new HttpCalls(httpPort);
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (var entry : mix.expected.entrySet()) assertExact(http, entry.getKey(), entry.getValue());
    });
  }

  /** {@code entityId} is "organisation|campaign". */
  public static void assertExact(HttpCalls http, String entityId, EventMix.Expected expected) {
    var org = entityId.substring(0, entityId.indexOf('|'));
    var campaign = entityId.substring(entityId.indexOf('|') + 1);
    var answer = http.get("/api/campaigns/" + campaign + "/analytics/real-time?organizationId=" + org);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    var m = answer.body();
    assertThat(m.get("impressions").asLong()).as(entityId + " impressions").isEqualTo(expected.counts[EventType.IMPRESSION.ordinal()]);
    assertThat(m.get("clicks").asLong()).as(entityId + " clicks").isEqualTo(expected.counts[EventType.CLICK.ordinal()]);
    assertThat(m.get("conversions").asLong()).as(entityId + " conversions").isEqualTo(expected.counts[EventType.CONVERSION.ordinal()]);
    assertThat(m.get("views").asLong()).as(entityId + " views").isEqualTo(expected.counts[EventType.VIEW.ordinal()]);
    assertThat(m.get("engagements").asLong()).isEqualTo(expected.counts[EventType.ENGAGEMENT.ordinal()]);
    assertThat(m.get("completions").asLong()).isEqualTo(expected.counts[EventType.COMPLETION.ordinal()]);
    assertThat(m.get("skips").asLong()).isEqualTo(expected.counts[EventType.SKIP.ordinal()]);
    assertThat(m.get("totalSpent").decimalValue()).as(entityId + " spent").isEqualByComparingTo(expected.spent);
    assertThat(m.get("conversionValue").decimalValue()).isEqualByComparingTo(expected.conversionValue);
  }
}
