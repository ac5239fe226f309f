package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.beacon.BeaconServer;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestProducer;
import dev.beacon.testing.TestServers;
import dev.beacon.testing.TrafficShapes;
import dev.beacon.testing.TrafficShapes.Delivery;
import dev.beacon.testing.TrafficShapes.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once end to end: a few hundred generated traffic shapes (HTTP requests with retries
 * inside and after them, Kafka records retried byte for byte on the same and on another
 * partition, four clients at once, a whole request sent again a round later) through the real
 * broker and database, with two kill -9 style crashes mid-stream in between; then every campaign
 * total, every user's journey, every organisation's credits in the read tables and the status
 * counters must equal the oracle's. Subclasses choose the database.
 */
abstract class DeliveryShapesPipelineContract {
  private static final int PARTITIONS = 4;
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();

  abstract TestDatabase database(Path dir);

  private BeaconServer start(Path dataDir, TestDatabase db, String topic) {
    // small micro-batches, several in flight: retries land in the same batch and in the next ones
    return broker.start(TestServers.config(dataDir, broker.kafka().bootstrapServers(), db, topic, """
        beacon.ingest.batch-size = 40
        beacon.ingest.batch-window = 30ms
        beacon.ingest.parallelism = 3
        """));
  }

  private void crashMidStream(BeaconServer server) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
        .until(() -> server.stats().snapshot().consumed() > 0);
    server.crash(Duration.ofSeconds(30));
    broker.forget(server);
  }

  @Test
  void generatedShapesWithRetriesAndCrashesInBetweenMatchTheOracle() throws Exception {
    var dataDir = Files.createTempDirectory("beacon-data");
    var db = database(dataDir);
    broker.closeAfter(db);
    var topic = "shapes-" + UUID.randomUUID();
    var run = "r" + Long.toHexString(System.nanoTime() & 0xffffff);
    var shapes = TrafficShapes.generate(run, 240, 8, Instant.now());
    var rounds = List.of(shapes.subList(0, 80), shapes.subList(80, 160), shapes.subList(160, 240));

    var first = start(dataDir, db, topic);
    send(first, topic, rounds.get(0), 1);
    crashMidStream(first);

    var second = start(dataDir, db, topic);
    send(second, topic, rounds.get(1), 1);
    resendLater(second, rounds.get(0));
    crashMidStream(second);

    var third = start(dataDir, db, topic);
    send(third, topic, rounds.get(2), 4);
    resendLater(third, rounds.get(1));
    resendLater(third, rounds.get(2));

    var http = new HttpCalls(third.httpPort());
    var oracle = TrafficShapes.Oracle.of(shapes);
    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertCampaigns(http, oracle));
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertJourneys(http, oracle));
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertCredits(http, oracle));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> third.stats().snapshot().inFlightBatch() == 0);
    var status = third.stats().snapshot();
    assertThat(status.consumed()).as("consumed = applied + redelivered + deduplicated + dead-lettered")
        .isEqualTo(status.applied() + status.redelivered() + status.deduplicated() + status.deadLettered());
    assertThat(status.deduplicated()).as("the retries of the last round were seen as retries").isPositive();
  }

  /** Sends each shape as its delivery says, from {@code clients} clients at once. */
  private static void send(BeaconServer server, String topic, List<Shape> shapes, int clients) throws Exception {
    var http = new HttpCalls(server.httpPort());
    var pool = Executors.newFixedThreadPool(clients);
    try {
      var work = new ArrayList<Future<?>>();
      for (int c = 0; c < clients; c++) {
        var mine = new ArrayList<Shape>();
        for (int i = c; i < shapes.size(); i += clients) mine.add(shapes.get(i));
        work.add(pool.submit(() -> {
          var records = new ArrayList<ProducerRecord<String, byte[]>>();
          for (var shape : mine) {
            switch (shape.delivery()) {
              case ONE_REQUEST, WHOLE_REQUEST_AGAIN_LATER -> accepted(http, Shape.body(shape.withRetries()));
              case REQUEST_PER_EVENT -> shape.withRetries().forEach(e -> accepted(http, Shape.body(List.of(e))));
              case KAFKA_SAME_PARTITION, KAFKA_OTHER_PARTITION -> records.addAll(shape.records(topic, PARTITIONS));
            }
          }
          TestProducer.produce(broker.kafka().bootstrapServers(), records);
          return null;
        }));
      }
      for (var w : work) w.get();
    } finally {
      pool.shutdown();
    }
  }

  /** The shapes whose client sends the whole request again later do it now. */
  private static void resendLater(BeaconServer server, List<Shape> shapes) {
    var http = new HttpCalls(server.httpPort());
    for (var shape : shapes) {
      if (shape.delivery() == Delivery.WHOLE_REQUEST_AGAIN_LATER) accepted(http, Shape.body(shape.withRetries()));
    }
  }

  private static void accepted(HttpCalls http, String body) {
    var answer = http.postJson("/api/analytics/real-time", body);
    assertThat(answer.status()).as(answer.text()).isEqualTo(202);
  }

  private static void assertCampaigns(HttpCalls http, TrafficShapes.Oracle oracle) {
    for (var entry : oracle.counts.entrySet()) {
      var org = entry.getKey().substring(0, entry.getKey().indexOf('|'));
      var campaign = entry.getKey().substring(entry.getKey().indexOf('|') + 1);
      var answer = http.get("/api/campaigns/" + campaign + "/analytics/real-time?organizationId=" + org);
      assertThat(answer.status()).as(entry.getKey() + ": " + answer.text()).isEqualTo(200);
      var m = answer.body();
      for (var type : List.of("impression", "click", "conversion", "view")) {
        assertThat(m.get(type + "s").asLong()).as(entry.getKey() + " " + type + "s")
            .isEqualTo(entry.getValue().getOrDefault(type, 0L));
      }
      var money = oracle.money.get(entry.getKey());
      assertThat(m.get("totalSpent").decimalValue().movePointRight(2).longValueExact()).as(entry.getKey() + " spent")
          .isEqualTo(money[0]);
      assertThat(m.get("conversionValue").decimalValue().movePointRight(2).longValueExact()).isEqualTo(money[1]);
    }
  }

  private static void assertJourneys(HttpCalls http, TrafficShapes.Oracle oracle) {
    for (Map.Entry<String, Long> entry : oracle.userEvents.entrySet()) {
      var org = entry.getKey().substring(0, entry.getKey().indexOf('|'));
      var user = entry.getKey().substring(entry.getKey().indexOf('|') + 1);
      var answer = http.get("/api/users/" + user + "/journey?organizationId=" + org);
      assertThat(answer.status()).as(entry.getKey() + ": " + answer.text()).isEqualTo(200);
      long events = 0;
      for (var session : answer.body().get("sessions")) events += session.get("events").asLong();
      assertThat(events).as("events in the journey of " + entry.getKey()).isEqualTo(entry.getValue());
      assertThat((long) answer.body().get("conversions").size()).as("conversions of " + entry.getKey())
          .isEqualTo(oracle.userConversions.getOrDefault(entry.getKey(), 0L));
    }
  }

  private static void assertCredits(HttpCalls http, TrafficShapes.Oracle oracle) {
    for (var entry : oracle.credited.entrySet()) {
      var answer = http.get("/api/attribution/compare?organizationId=" + entry.getKey());
      assertThat(answer.status()).as(entry.getKey() + ": " + answer.text()).isEqualTo(200);
      for (var model : List.of("first_click", "last_click", "linear")) {
        var m = answer.body().get("models").get(model);
        assertThat(m.get("conversions").asDouble()).as(entry.getKey() + " " + model + " conversions")
            .isEqualTo(entry.getValue()[0], within(1e-9));
        assertThat(m.get("revenue").asDouble()).as(entry.getKey() + " " + model + " revenue")
            .isEqualTo(entry.getValue()[1] / 100.0, within(1e-6));
      }
    }
  }
}
