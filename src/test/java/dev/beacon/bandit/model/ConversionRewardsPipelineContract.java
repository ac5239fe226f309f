package dev.beacon.bandit.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.Kcat;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end, on a real server with the embedded broker: decisions for users over HTTP, their
 * conversions as campaign events put on the topic with kcat, and each conversion rewarding the
 * decision that showed its user the converting campaign, once: the same event sent twice, and the
 * projection handing every conversion over again after a restart, learn nothing twice. The
 * organisation's segment models, chosen by the segment of the user's profile (a buyer's purchases
 * make them a frequent buyer; someone unseen is new), learn the same way. Subclasses
 * choose the database.
 */
abstract class ConversionRewardsPipelineContract {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();
  private static final List<String> ARMS = List.of("spring", "summer", "autumn");

  abstract TestDatabase database(Path dir);

  private BeaconServer start(Path dataDir, TestDatabase db, String topic) {
    return broker.start(TestServers.config(dataDir, broker.kafka().bootstrapServers(), db, topic, ""));
  }

  private static ProducerRecord<String, byte[]> conversion(String topic, String eventId, String user, String campaign, Instant at) {
    var json = "{\"eventType\":\"conversion\",\"campaignId\":\"" + campaign + "\",\"organizationId\":\"acme\",\"eventId\":\""
        + eventId + "\",\"timestamp\":\"" + at + "\",\"value\":20,\"metadata\":{\"userId\":\"" + user + "\"}}";
    return new ProducerRecord<>(topic, "acme|" + user, json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode ok(HttpCalls.Answer answer) {
    assertThat(answer.status()).as(answer.text()).isBetween(200, 201);
    return answer.body();
  }

  @Test
  void conversionsThroughKafkaRewardTheDecisionsThatShowedTheirCampaignsOnceEvenWhenDeliveredAgain() throws Exception {
    var dataDir = Files.createTempDirectory("beacon-rewards");
    var db = database(dataDir);
    broker.closeAfter(db);
    var topic = "rewards-" + UUID.randomUUID();
    var server = start(dataDir, db, topic);
    var http = new HttpCalls(server.httpPort());
    ok(http.send("PUT", "/api/models/picker", null,
        "{\"organizationId\": \"acme\", \"arms\": [\"spring\", \"summer\", \"autumn\"], \"dimension\": 3}"));

    // twelve users get a decision each; the even ones convert on the campaign they were shown, the odd ones on another
    var records = new ArrayList<ProducerRecord<String, byte[]>>();
    var expected = 0;
    for (var i = 0; i < 12; i++) {
      var user = "u-" + i;
      var decision = ok(http.send("POST", "/api/models/picker/decide", null,
          "{\"userId\": \"" + user + "\", \"features\": [1, " + i + ", 0.5]}"));
      var arm = decision.get("arm").asText();
      var converted = i % 2 == 0 ? arm : ARMS.get((ARMS.indexOf(arm) + 1) % ARMS.size());
      if (i % 2 == 0) expected++;
      var record = conversion(topic, "conv-" + i, user, converted, Instant.now().plusSeconds(1));
      records.add(record);
      // the client retried the even ones: the same event twice, in the same request to the broker
      if (i % 2 == 0) records.add(record);
    }
    // a buyer: six purchases of 20 make a frequent buyer (five or more, spending too little to be of high value)
    var purchases = new ArrayList<ProducerRecord<String, byte[]>>();
    for (var i = 0; i < 6; i++) purchases.add(conversion(topic, "buy-" + i, "buyer", "spring", Instant.now().minusSeconds(600 - i)));
    Kcat.produce(broker.kafka().bootstrapServers(), topic, purchases);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      var profile = ok(http.get("/api/users/buyer/journey?organizationId=acme")).get("profile");
      assertThat(profile.get("purchases").asLong()).isEqualTo(6);
    });
    var buyerDecision = ok(http.send("POST", "/api/models/segment@acme/decide", null, "{\"userId\": \"buyer\"}"));
    assertThat(buyerDecision.get("modelId").asText()).isEqualTo("frequent_buyer@acme");
    assertThat(buyerDecision.get("segment").asText()).isEqualTo("frequent_buyer");
    // a user of the segment model: unknown so far, so in the "new" segment
    var segmentDecision = ok(http.send("POST", "/api/models/segment@acme/decide", null, "{\"userId\": \"newcomer\"}"));
    assertThat(segmentDecision.get("modelId").asText()).isEqualTo("new@acme");
    assertThat(segmentDecision.get("segment").asText()).isEqualTo("new");
    records.add(conversion(topic, "conv-newcomer", "newcomer", segmentDecision.get("arm").asText(), Instant.now().plusSeconds(1)));
    Kcat.produce(broker.kafka().bootstrapServers(), topic, records);

    var learned = expected;
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      assertThat(ok(http.get("/api/models/picker")).get("totalUpdates").asLong()).isEqualTo(learned);
      assertThat(ok(http.get("/api/models/new@acme")).get("totalUpdates").asLong()).isEqualTo(1);
    });
    var stats = ok(http.get("/api/models/picker"));
    assertThat(stats.get("averageReward").asDouble()).isEqualTo(1.0);

    // a crash before the projection stored its offsets: every conversion is handed over again
    server.stop().toCompletableFuture().join();
    broker.forget(server);
    forgetConversionOffsets(db);
    server = start(dataDir, db, topic);
    var again = new HttpCalls(server.httpPort());
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> conversionOffsets(db) == expectedSlices(db));
    assertThat(ok(again.get("/api/models/picker")).get("totalUpdates").asLong()).isEqualTo(learned);
    assertThat(ok(again.get("/api/models/new@acme")).get("totalUpdates").asLong()).isEqualTo(1);
  }

  private static void forgetConversionOffsets(TestDatabase db) throws Exception {
    slicesBefore.put(db, conversionOffsets(db));
    try (var c = db.connect(); var st = c.prepareStatement(
        "DELETE FROM " + offsetTable(c) + " WHERE " + column(c, "projection_name") + " = 'journey-conversions'")) {
      st.executeUpdate();
    }
  }

  private static final Map<TestDatabase, Integer> slicesBefore = new HashMap<>();

  private static int expectedSlices(TestDatabase db) {
    return slicesBefore.get(db);
  }

  private static int conversionOffsets(TestDatabase db) throws Exception {
    try (var c = db.connect(); var st = c.prepareStatement(
        "SELECT count(*) FROM " + offsetTable(c) + " WHERE " + column(c, "projection_name") + " = 'journey-conversions'");
        var rows = st.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static String offsetTable(java.sql.Connection c) throws java.sql.SQLException {
    return column(c, "pekko_projection_offset_store");
  }

  /** H2's tables and columns were created quoted in lower case; PostgreSQL folds unquoted names to lower case. */
  private static String column(java.sql.Connection c, String name) throws java.sql.SQLException {
    return c.getMetaData().getDatabaseProductName().startsWith("H2") ? "\"" + name + "\"" : name;
  }
}
