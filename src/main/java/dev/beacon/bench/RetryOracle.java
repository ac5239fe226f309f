package dev.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every campaign must show after the retries workload (and the other workloads it checks):
 * each distinct event counted once, however often it was sent. Counted here as the events are
 * made, independently of Beacon, and compared with Beacon's answers over HTTP at the end.
 */
final class RetryOracle {
  private static final String[] METRICS = {"impressions", "clicks", "conversions", "views", "engagements", "completions", "skips"};
  private final Map<String, long[]> counts = new HashMap<>();
  private final Map<String, long[]> money = new HashMap<>();
  long distinct;
  long sent;

  void counted(BenchEvents.Generated e) {
    distinct++;
    counted(e.organizationId(), e.campaignId(), e.type(), e.cents());
  }

  /**
   * One distinct event of a campaign, in the metric of {@code metric} ({@code clicks},
   * {@code conversions}, …), {@code cents} its cost (an impression's or a click's) or its
   * conversion value.
   */
  void counted(String organizationId, String campaignId, String metric, long cents) {
    var type = List.of(METRICS).indexOf(metric);
    if (type < 0) throw new IllegalArgumentException("no campaign metric " + metric);
    counted(organizationId, campaignId, type, cents);
  }

  private void counted(String organizationId, String campaignId, int type, long cents) {
    var key = organizationId + "|" + campaignId;
    counts.computeIfAbsent(key, k -> new long[METRICS.length])[type]++;
    var m = money.computeIfAbsent(key, k -> new long[2]);
    if (type <= 1) m[0] += cents;
    if (type == 2) m[1] += cents;
  }

  /** The campaigns whose answer differs from the oracle, each with what differs; empty when all are exact. */
  List<String> mismatches(int httpPort) throws Exception {
    return mismatches(httpPort, null);
  }

  /** As {@link #mismatches(int)}, read with {@code key} (as Bearer) from a server that requires keys. */
  List<String> mismatches(int httpPort, String key) throws Exception {
    var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    var wrong = new ArrayList<String>();
    for (var entry : counts.entrySet()) {
      var bar = entry.getKey().indexOf('|');
      var uri = URI.create("http://127.0.0.1:" + httpPort + "/api/campaigns/" + entry.getKey().substring(bar + 1)
          + "/analytics/real-time?organizationId=" + entry.getKey().substring(0, bar));
      var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
      if (key != null) request.header("Authorization", "Bearer " + key);
      var response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        wrong.add(entry.getKey() + ": HTTP " + response.statusCode());
        continue;
      }
      JsonNode m = Json.MAPPER.readTree(response.body());
      for (int t = 0; t < METRICS.length; t++) {
        var actual = m.get(METRICS[t]).asLong();
        if (actual != entry.getValue()[t]) wrong.add(entry.getKey() + " " + METRICS[t] + " " + actual + " != " + entry.getValue()[t]);
      }
      var expected = money.get(entry.getKey());
      if (m.get("totalSpent").decimalValue().compareTo(BigDecimal.valueOf(expected[0], 2)) != 0) {
        wrong.add(entry.getKey() + " totalSpent " + m.get("totalSpent") + " != " + BigDecimal.valueOf(expected[0], 2));
      }
      if (m.get("conversionValue").decimalValue().compareTo(BigDecimal.valueOf(expected[1], 2)) != 0) {
        wrong.add(entry.getKey() + " conversionValue " + m.get("conversionValue") + " != " + BigDecimal.valueOf(expected[1], 2));
      }
    }
    return wrong;
  }
}
