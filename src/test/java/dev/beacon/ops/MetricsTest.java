package dev.beacon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.common.Json;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestProducer;
import dev.beacon.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of a running server (the in-JVM broker, H2) after known traffic: HTTP
 * requests of a few routes, valid and bad events on the events topic (in chosen partitions), bad
 * records on the interactions topic, a model's decisions and rewards. Each family is read back from
 * the Prometheus text and its counts add up to that traffic; every meter the Grafana dashboard
 * queries is among the series.
 */
class MetricsTest {
  private static final Duration WITHIN = Duration.ofSeconds(90);
  private static final int PARTITIONS = 4;
  private static final int VALID = 8;
  private static final int UNKNOWN_TYPE = 3;
  private static final int NOT_JSON = 2;
  private static final int INTERACTIONS_WITHOUT_MODEL = 2;
  private static final int DECISIONS = 3;
  private static final int REWARDS = 2;
  private static final Path DASHBOARD = Path.of("k8s", "base", "grafana-dashboard.json");
  private static Path dir;
  private static EmbeddedKafka kafka;
  private static BeaconServer server;
  private static HttpCalls http;
  private static String topic;

  @BeforeAll
  static void startAndDriveTraffic() throws Exception {
    dir = Files.createTempDirectory("beacon-metrics");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
    topic = "metrics-" + UUID.randomUUID();
    server = BeaconServer.start(TestServers.config(dir, kafka.bootstrapServers(), TestDatabase.h2(dir), topic,
        "beacon.metrics.interval = 300ms\n"));
    http = new HttpCalls(server.httpPort());

    var created = http.send("PUT", "/api/models/picker", null, "{\"organizationId\":\"acme\",\"arms\":[\"a\",\"b\"],\"dimension\":2}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    var decisions = new ArrayList<String>();
    for (var i = 0; i < DECISIONS; i++) {
      var decided = http.postJson("/api/models/picker/decide", "{\"features\":[1.0," + i + "]}");
      assertThat(decided.status()).as(decided.text()).isEqualTo(200);
      decisions.add(decided.body().get("decisionId").asText());
    }
    for (var decision : decisions.subList(0, REWARDS)) {
      var rewarded = http.postJson("/api/models/picker/reward", "{\"decisionId\":\"" + decision + "\",\"reward\":1}");
      assertThat(rewarded.status()).as(rewarded.text()).isEqualTo(200);
    }
    for (var model : List.of("unknown-1", "unknown-2")) assertThat(http.get("/api/models/" + model).status()).isEqualTo(404);
    assertThat(http.get("/no/such/path").status()).isEqualTo(404);

    var records = new ArrayList<ProducerRecord<String, byte[]>>();
    for (var i = 0; i < VALID; i++) {
      var event = "{\"eventType\":\"impression\",\"campaignId\":\"c-" + i % 2 + "\",\"organizationId\":\"acme\",\"timestamp\":\""
          + Instant.now() + "\",\"metadata\":{\"userId\":\"u-" + i + "\"}}";
      records.add(new ProducerRecord<>(topic, i % PARTITIONS, "acme|u-" + i, bytes(event)));
    }
    for (var i = 0; i < UNKNOWN_TYPE; i++) {
      records.add(new ProducerRecord<>(topic, 0, "k", bytes("{\"eventType\":\"teleport\",\"campaignId\":\"c-0\",\"organizationId\":\"acme\"}")));
    }
    for (var i = 0; i < NOT_JSON; i++) records.add(new ProducerRecord<>(topic, 1, "k", bytes("not json")));
    for (var i = 0; i < INTERACTIONS_WITHOUT_MODEL; i++) {
      records.add(new ProducerRecord<>(topic + ".interactions", "k", bytes("{\"features\":[1,0],\"action\":\"a\",\"reward\":1}")));
    }
    TestProducer.produce(kafka.bootstrapServers(), records);
    Awaitility.await().atMost(WITHIN).until(() -> server.stats().snapshot().consumed() == VALID + UNKNOWN_TYPE + NOT_JSON
        && server.interactionStats().snapshot().deadLettered() == INTERACTIONS_WITHOUT_MODEL);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      server.stop().toCompletableFuture().get();
    } finally {
      kafka.close();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Scrape scrape() {
    var answer = http.get("/metrics");
    assertThat(answer.status()).isEqualTo(200);
    return Scrape.parse(answer.text());
  }

  @Test
  void httpRequestsAreCountedByRouteTemplateMethodAndStatus() {
    var scrape = scrape();
    var requests = "beacon_http_requests_seconds_count";
    assertThat(scrape.sum(requests, "route", "/api/models/{modelId}", "method", "PUT", "status", "201")).isEqualTo(1);
    assertThat(scrape.sum(requests, "route", "/api/models/{modelId}/decide", "method", "POST", "status", "200")).isEqualTo(DECISIONS);
    assertThat(scrape.sum(requests, "route", "/api/models/{modelId}/reward", "method", "POST", "status", "200")).isEqualTo(REWARDS);
    assertThat(scrape.sum(requests, "route", "/api/models/{modelId}", "method", "GET", "status", "404")).isEqualTo(2);
    assertThat(scrape.sum(requests, "route", HttpMeters.UNMATCHED, "status", "404")).isEqualTo(1);
    assertThat(scrape.sum("beacon_http_requests_seconds_bucket", "route", "/api/models/{modelId}/decide", "le", "+Inf"))
        .isEqualTo(DECISIONS);
    assertThat(scrape.all(requests)).allSatisfy(s -> assertThat(s.labels().get("route")).doesNotContain("unknown", "picker"));
  }

  @Test
  void deadLettersAreCountedByTopicAndReason() {
    Awaitility.await().atMost(WITHIN).untilAsserted(() -> {
      var scrape = scrape();
      var events = topic + ".dlq";
      assertThat(scrape.sum("beacon_dead_letters_total", "topic", events, "reason", "eventType")).isEqualTo(UNKNOWN_TYPE);
      assertThat(scrape.sum("beacon_dead_letters_total", "topic", events)).isEqualTo(UNKNOWN_TYPE + NOT_JSON);
      assertThat(scrape.sum("beacon_dead_letters_total", "topic", topic + ".interactions.dlq", "reason", "modelId"))
          .isEqualTo(INTERACTIONS_WITHOUT_MODEL);
    });
  }

  @Test
  void consumerLagIsReadPerPartitionAndComesDownToZero() {
    Awaitility.await().atMost(WITHIN).untilAsserted(() -> {
      var lag = scrape().all("beacon_kafka_consumer_lag_records", "topic", topic);
      var partitions = new TreeSet<String>();
      lag.forEach(s -> partitions.add(s.labels().get("partition")));
      assertThat(partitions).isEqualTo(Set.of("0", "1", "2", "3"));
      assertThat(lag).allSatisfy(s -> assertThat(s.value()).isZero());
      assertThat(scrape().all("beacon_kafka_consumer_lag_records", "topic", topic + ".interactions")).isNotEmpty();
    });
  }

  @Test
  void batchSizesAddUpToTheRecordsConsumedAndEachBatchIsTimed() {
    var scrape = scrape();
    assertThat(scrape.sum("beacon_batch_size_sum", "topic", topic)).isEqualTo(VALID + UNKNOWN_TYPE + NOT_JSON);
    var batches = scrape.sum("beacon_batch_size_count", "topic", topic);
    assertThat(batches).isBetween(1.0, (double) VALID + UNKNOWN_TYPE + NOT_JSON);
    assertThat(scrape.sum("beacon_batch_persist_seconds_count", "topic", topic)).isEqualTo(batches);
    assertThat(scrape.sum("beacon_batch_persist_seconds_bucket", "topic", topic, "le", "+Inf")).isEqualTo(batches);
    assertThat(scrape.sum("beacon_batch_size_sum", "topic", topic + ".interactions")).isEqualTo(INTERACTIONS_WITHOUT_MODEL);
  }

  @Test
  void projectionsRecordHowFarBehindTheJournalTheyHandleEvents() {
    Awaitility.await().atMost(WITHIN).untilAsserted(() -> {
      var scrape = scrape();
      assertThat(scrape.sum("beacon_projection_lag_seconds_count", "projection", "bandit-predictions")).isEqualTo(DECISIONS);
      assertThat(scrape.sum("beacon_projection_lag_seconds_count", "projection", "journeys")).isPositive();
      assertThat(scrape.sum("beacon_projection_lag_seconds_count", "projection", "journey-conversions")).isPositive();
      assertThat(scrape.sum("beacon_projection_lag_seconds_max", "projection", "journeys")).isBetween(0.0, WITHIN.toSeconds() * 1.0);
    });
  }

  @Test
  void entitiesAndShardsOfThisNodeAreCountedPerType() {
    Awaitility.await().atMost(WITHIN).untilAsserted(() -> {
      var scrape = scrape();
      // two campaigns; picker and the two unknown models asked for; the users' journey buckets (none passivated yet: that takes minutes)
      assertThat(scrape.sum("beacon_sharding_entities", "type", "Campaign")).isEqualTo(2);
      assertThat(scrape.sum("beacon_sharding_entities", "type", "BanditModel")).isEqualTo(3);
      assertThat(scrape.sum("beacon_sharding_entities", "type", "Journey")).isBetween(1.0, (double) VALID);
      assertThat(scrape.sum("beacon_sharding_shards", "type", "Campaign")).isBetween(1.0, 2.0);
      assertThat(scrape.sum("beacon_sharding_handoffs_total", "type", "Campaign")).isZero();
      assertThat(scrape.has("beacon_sharding_entities_stopped_total")).isTrue();
    });
  }

  @Test
  void modelDecisionsAndLearnedUpdatesAreCounted() {
    var scrape = scrape();
    assertThat(scrape.sum("beacon_bandit_decisions_total")).isEqualTo(DECISIONS);
    assertThat(scrape.sum("beacon_bandit_updates_total")).isEqualTo(REWARDS);
  }

  /** Every series a panel of the dashboard queries is one /metrics serves. */
  @Test
  void theGrafanaDashboardQueriesOnlyMetersThatExist() throws Exception {
    var dashboard = Json.MAPPER.readTree(DASHBOARD.toFile());
    var names = Pattern.compile("\\b(?:beacon|jvm|process|system)_[a-z0-9_]+");
    var queried = new TreeSet<String>();
    var panels = dashboard.get("panels");
    assertThat(panels.size()).isGreaterThanOrEqualTo(9);
    for (JsonNode panel : panels) {
      assertThat(panel.get("targets")).as(panel.path("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        var found = names.matcher(target.get("expr").asText());
        while (found.find()) queried.add(found.group());
      }
    }
    Awaitility.await().atMost(WITHIN).untilAsserted(() -> {
      var scrape = scrape();
      assertThat(queried).isNotEmpty().allSatisfy(name -> assertThat(scrape.has(name)).as(name).isTrue());
    });
  }
}
