package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API against a running Beacon (in-JVM broker, H2): intake answers and every query. */
class HttpApiTest {
  static EmbeddedKafka kafka;
  static BeaconServer server;
  static HttpCalls http;
  static TestDatabase db;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(Files.createTempDirectory("beacon-kafka"), 0, 0);
    var dataDir = Files.createTempDirectory("beacon-data");
    db = TestDatabase.h2(dataDir);
    var extra = "beacon.http.max-body-size = 16KiB\nbeacon.http.max-batch = 20\n";
    server = BeaconServer.start(TestServers.config(dataDir, kafka.bootstrapServers(), db, "http-events", extra));
    http = new HttpCalls(server.httpPort());
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop().toCompletableFuture().get();
    kafka.close();
  }

  private static String org() {
    return "org-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String event(String type, String campaign, String org, String extra) {
    return "{\"eventType\":\"" + type + "\",\"campaignId\":\"" + campaign + "\",\"organizationId\":\"" + org + "\"" + extra + "}";
  }

  private static JsonNode awaitMetrics(String path, java.util.function.Predicate<JsonNode> done) {
    var holder = new JsonNode[1];
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      var answer = http.get(path);
      holder[0] = answer.body();
      return answer.status() == 200 && done.test(answer.body());
    });
    return holder[0];
  }

  @Test
  void aSingleEventIsAcceptedAndCounted() {
    var org = org();
    var answer = http.postJson("/api/analytics/real-time", "{\"event\":" + event("click", "c1", org, ",\"value\":1.50") + "}");
    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body().get("accepted").asInt()).isEqualTo(1);
    assertThat(answer.body().get("rejected")).isEmpty();
    var m = awaitMetrics("/api/campaigns/c1/analytics/real-time?organizationId=" + org, b -> b.get("clicks").asLong() == 1);
    assertThat(m.get("totalSpent").decimalValue()).isEqualByComparingTo("1.50");
    assertThat(m.get("cpc").decimalValue()).isEqualByComparingTo("1.50");
    assertThat(m.get("ctr").isNull()).as("no impressions: ctr is null").isTrue();
    assertThat(m.get("campaignId").asText()).isEqualTo("c1");
  }

  @Test
  void aBatchAcceptsTheValidItemsAndNamesEachRejectedItemByIndex() {
    var org = org();
    var body = "{\"events\":[" + event("impression", "c1", org, "") + ","
        + event("teleport", "c1", org, "") + ","
        + event("impression", "c1", org, ",\"value\":0.02") + ","
        + "{\"eventType\":\"click\",\"organizationId\":\"" + org + "\"}" + "]}";
    var answer = http.postJson("/api/analytics/real-time", body);
    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body().get("accepted").asInt()).isEqualTo(2);
    var rejected = answer.body().get("rejected");
    assertThat(rejected).hasSize(2);
    assertThat(rejected.get(0).get("index").asInt()).isEqualTo(1);
    assertThat(rejected.get(0).get("reasons").get(0).asText()).startsWith("eventType:");
    assertThat(rejected.get(1).get("index").asInt()).isEqualTo(3);
    assertThat(rejected.get(1).get("reasons").get(0).asText()).isEqualTo("campaignId: required");
    awaitMetrics("/api/campaigns/c1/analytics/real-time?organizationId=" + org, b -> b.get("impressions").asLong() == 2);
  }

  @Test
  void aRequestWhoseEveryItemIsInvalidIsABadRequestWithTheSameDetail() {
    var answer = http.postJson("/api/analytics/real-time", "{\"events\":[" + event("click", "c1", org(), ",\"value\":-3") + "]}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("accepted").asInt()).isZero();
    assertThat(answer.body().get("rejected").get(0).get("reasons").get(0).asText()).isEqualTo("value: must not be negative");
  }

  @Test
  void malformedJsonIs400WithTheReason() {
    var answer = http.postJson("/api/analytics/real-time", "{\"event\": {");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("reasons").get(0).asText()).startsWith("body: malformed JSON");
  }

  @Test
  void aBodyWithoutEventOrEventsIs400() {
    var answer = http.postJson("/api/analytics/real-time", "{\"something\": 1}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("reasons").get(0).asText()).contains("expected");
  }

  @Test
  void aBodyOverTheLimitIs413() {
    var big = "{\"event\":" + event("click", "c1", org(), ",\"metadata\":{\"location\":\"" + "x".repeat(20_000) + "\"}") + "}";
    var answer = http.postJson("/api/analytics/real-time", big);
    assertThat(answer.status()).isEqualTo(413);
  }

  @Test
  void moreEventsThanTheBatchLimitIs413() {
    var org = org();
    var items = new ArrayList<String>();
    for (int i = 0; i < 21; i++) items.add(event("impression", "c1", org, ""));
    var answer = http.postJson("/api/analytics/real-time", "{\"events\":[" + String.join(",", items) + "]}");
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.body().get("reasons").get(0).asText()).contains("at most 20");
  }

  @Test
  void aContentTypeOtherThanJsonIs415() {
    var answer = http.post("/api/analytics/real-time", "text/plain", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(answer.status()).isEqualTo(415);
  }

  @Test
  void theCampaignPathFillsInItsCampaignAndRefusesAnother() {
    var org = org();
    var body = "{\"events\":[{\"eventType\":\"conversion\",\"organizationId\":\"" + org + "\",\"value\":25},"
        + event("conversion", "other", org, "") + "]}";
    var answer = http.postJson("/api/campaigns/summer/analytics/real-time", body);
    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body().get("accepted").asInt()).isEqualTo(1);
    assertThat(answer.body().get("rejected").get(0).get("index").asInt()).isEqualTo(1);
    var m = awaitMetrics("/api/campaigns/summer/analytics/real-time?organizationId=" + org, b -> b.get("conversions").asLong() == 1);
    assertThat(m.get("conversionValue").decimalValue()).isEqualByComparingTo("25");
  }

  @Test
  void aGa4RowIsAcceptedOverHttp() {
    var org = org();
    var micros = Instant.now().toEpochMilli() * 1000;
    var row = "{\"event_name\":\"purchase\",\"event_timestamp\":" + micros + ",\"user_pseudo_id\":\"123.456\",\"organizationId\":\""
        + org + "\",\"event_params\":[{\"key\":\"campaign\",\"value\":{\"string_value\":\"black_friday\"}},"
        + "{\"key\":\"ga_session_id\",\"value\":{\"int_value\":77}}],\"ecommerce\":{\"purchase_revenue_in_usd\":99.95}}";
    var answer = http.postJson("/api/analytics/real-time", "{\"event\":" + row + "}");
    assertThat(answer.status()).as(answer.text()).isEqualTo(202);
    var m = awaitMetrics("/api/campaigns/black_friday/analytics/real-time?organizationId=" + org, b -> b.get("conversions").asLong() == 1);
    assertThat(m.get("conversionValue").decimalValue()).isEqualByComparingTo("99.95");
  }

  @Test
  void theTimeWindowCountsOnlyRecentEvents() {
    var org = org();
    var old = Instant.now().minus(Duration.ofHours(2)).toString();
    var body = "{\"events\":[" + event("impression", "w", org, ",\"timestamp\":\"" + old + "\"") + ","
        + event("impression", "w", org, "") + "]}";
    assertThat(http.postJson("/api/analytics/real-time", body).status()).isEqualTo(202);
    awaitMetrics("/api/campaigns/w/analytics/real-time?organizationId=" + org, b -> b.get("impressions").asLong() == 2);
    var lastHour = http.get("/api/campaigns/w/analytics/real-time?organizationId=" + org + "&timeWindow=3600");
    assertThat(lastHour.body().get("impressions").asLong()).isEqualTo(1);
  }

  @Test
  void queriesWithBadParametersAre400WithReasons() {
    assertThat(http.get("/api/campaigns/c1/analytics/real-time").status()).isEqualTo(400);
    var badWindow = http.get("/api/campaigns/c1/analytics/real-time?organizationId=o&timeWindow=abc");
    assertThat(badWindow.status()).isEqualTo(400);
    assertThat(badWindow.body().get("reasons").get(0).asText()).startsWith("timeWindow:");
    assertThat(http.get("/api/campaigns/c1/analytics/real-time?organizationId=o&timeWindow=0").status()).isEqualTo(400);
    assertThat(http.get("/api/campaigns/c1/analytics/daily?organizationId=o&from=yesterday").status()).isEqualTo(400);
    assertThat(http.get("/api/campaigns/c1/analytics/daily?organizationId=o&from=2026-02-02&to=2026-02-01").status()).isEqualTo(400);
    assertThat(http.get("/api/analytics/real-time/dashboard").status()).isEqualTo(400);
  }

  @Test
  void anUnknownCampaignIs404() {
    var answer = http.get("/api/campaigns/never-seen/analytics/real-time?organizationId=" + org());
    assertThat(answer.status()).isEqualTo(404);
    assertThat(http.get("/api/campaigns/never-seen/analytics/daily?organizationId=" + org()).status()).isEqualTo(404);
  }

  @Test
  void theDailyEndpointListsOneRowPerDay() {
    var org = org();
    var today = LocalDate.now(ZoneOffset.UTC);
    var yesterdayNoon = today.minusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC).toString();
    var body = "{\"events\":[" + event("impression", "d", org, ",\"timestamp\":\"" + yesterdayNoon + "\",\"value\":0.5") + ","
        + event("click", "d", org, ",\"value\":2") + "]}";
    assertThat(http.postJson("/api/analytics/real-time", body).status()).isEqualTo(202);
    awaitMetrics("/api/campaigns/d/analytics/real-time?organizationId=" + org, b -> b.get("impressions").asLong() + b.get("clicks").asLong() == 2);
    var daily = http.get("/api/campaigns/d/analytics/daily?organizationId=" + org + "&from=" + today.minusDays(2) + "&to=" + today);
    assertThat(daily.status()).isEqualTo(200);
    var days = daily.body().get("days");
    assertThat(days).hasSize(3);
    assertThat(days.get(0).get("impressions").asLong()).isZero();
    assertThat(days.get(1).get("date").asText()).isEqualTo(today.minusDays(1).toString());
    assertThat(days.get(1).get("impressions").asLong()).isEqualTo(1);
    assertThat(days.get(1).get("spent").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(days.get(2).get("clicks").asLong()).isEqualTo(1);
    assertThat(days.get(2).get("cpc").decimalValue()).isEqualByComparingTo("2");
  }

  @Test
  void theDashboardSumsOnlyTheOrganisationsOwnCampaigns() {
    var mine = org();
    var theirs = org();
    var body = "{\"events\":[" + event("impression", "a", mine, ",\"value\":1") + "," + event("click", "a", mine, ",\"value\":2") + ","
        + event("impression", "b", mine, ",\"value\":1") + "," + event("impression", "a", theirs, ",\"value\":100") + "]}";
    assertThat(http.postJson("/api/analytics/real-time", body).status()).isEqualTo(202);
    var d = awaitMetrics("/api/analytics/real-time/dashboard?organizationId=" + mine,
        b -> b.get("totalImpressions").asLong() == 2 && b.get("totalClicks").asLong() == 1);
    assertThat(d.get("activeCampaigns").asInt()).isEqualTo(2);
    assertThat(d.get("campaigns")).hasSize(2);
    assertThat(d.get("totalSpent").decimalValue()).isEqualByComparingTo("4");
    assertThat(d.get("overallCtr").asDouble()).isEqualTo(50.0);
    var other = awaitMetrics("/api/analytics/real-time/dashboard?organizationId=" + theirs, b -> b.get("totalImpressions").asLong() == 1);
    assertThat(other.get("totalSpent").decimalValue()).isEqualByComparingTo("100");
  }

  @Test
  void thePipelineStatusShowsTheFigures() {
    http.postJson("/api/analytics/real-time", "{\"event\":" + event("impression", "s", org(), "") + "}");
    var status = http.get("/api/analytics/real-time");
    assertThat(status.status()).isEqualTo(200);
    for (var field : new String[] {"accepted", "rejectedByReason", "deduplicated", "consumerLag", "eventsPerSecond", "lastCommit", "inFlightBatchSize"}) {
      assertThat(status.body().has(field)).as(field).isTrue();
    }
    assertThat(status.body().get("accepted").asLong()).isPositive();
    assertThat(status.body().get("consumerLag").size()).isEqualTo(4);
  }

  @Test
  void prometheusMetricsAreServed() {
    var metrics = http.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.text()).contains("beacon_ingest_accepted_total").contains("jvm_memory_used_bytes");
  }
}
