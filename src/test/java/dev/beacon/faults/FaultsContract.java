package dev.beacon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.BeaconServer;
import dev.beacon.bandit.model.BanditModel;
import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.Json;
import dev.beacon.ingest.DeadLetters;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.ingest.KafkaSettings;
import dev.beacon.ingest.Topics;
import dev.beacon.journey.JourneyBucket;
import dev.beacon.testing.CampaignTotals;
import dev.beacon.testing.EventMix;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.Journeys;
import dev.beacon.testing.LogWatch;
import dev.beacon.testing.ReadSideGate;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestProducer;
import dev.beacon.testing.TestServers;
import dev.beacon.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults while the pipeline runs, each followed by exact totals (campaign metrics over HTTP,
 * the journey read tables): poison records inside a micro-batch, a Kafka broker restart under
 * HTTP and Kafka load, and a projection restarted, then killed, while its transaction is open.
 * Subclasses choose the database.
 */
abstract class FaultsContract {
  @RegisterExtension
  static final ServersOnABroker kit = new ServersOnABroker();

  abstract TestDatabase database(Path dir);

  record Setup(String topic, Path dataDir, TestDatabase db) {}

  Setup setup() throws Exception {
    var dataDir = Files.createTempDirectory("beacon-data");
    var db = kit.closeAfter(database(dataDir));
    return new Setup("faults-" + UUID.randomUUID(), dataDir, db);
  }

  BeaconServer start(Setup setup, TestDatabase db, String extra) {
    return kit.start(TestServers.config(setup.dataDir(), kafka().bootstrapServers(), db, setup.topic(), FAULT_CONFIG + extra));
  }

  static EmbeddedKafka kafka() {
    return kit.kafka();
  }

  /**
   * Small micro-batches, so that a fault lands in the middle of many; a projection held in a
   * transaction by a test delays the sharding hand-off of a stop, which need not wait 10 s here.
   */
  static final String FAULT_CONFIG = """
      beacon.ingest.batch-size = 300
      beacon.ingest.batch-window = 20ms
      pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 2s
      """;

  /** The topics the server would create at start, for records produced before it starts. */
  static void createTopics(Setup setup) {
    var config = TestServers.config(setup.dataDir(), kafka().bootstrapServers(), setup.db(), setup.topic(), "");
    Topics.ensure(KafkaSettings.from(config.getConfig("beacon.kafka")));
  }

  /** The schema, before a server starts (as the server would make it). */
  static void migrate(Setup setup) {
    var config = TestServers.config(setup.dataDir(), kafka().bootstrapServers(), setup.db(), setup.topic(), "");
    Database.migrate(DatabaseSettings.from(config.getConfig("beacon")));
  }

  static void produce(List<ProducerRecord<String, byte[]>> records) {
    TestProducer.produce(kafka().bootstrapServers(), records);
  }

  /**
   * Records that cannot become events, each with a word its dead-letter reason must contain:
   * bytes that are not JSON, and JSON of the wrong shape.
   */
  static final List<Map.Entry<byte[], String>> POISON = List.of(
      Map.entry(bytes("{not json"), "malformed JSON"),
      Map.entry(new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 0x1b}, "malformed JSON"),
      Map.entry(new byte[0], "empty"),
      Map.entry(bytes("{\"eventType\":\"click\",\"campaignId\":\"camp0\",\"organizationId\":\"org0\"} trailing"), "malformed JSON"),
      Map.entry(bytes("[1,2,3]"), "JSON object"),
      Map.entry(bytes("\"a string\""), "JSON object"),
      Map.entry(bytes("null"), "JSON object"),
      Map.entry(bytes("{\"hello\":\"world\"}"), "unknown format"),
      Map.entry(bytes("{\"eventType\":[\"click\"],\"campaignId\":{\"id\":1},\"organizationId\":7}"), "eventType"),
      Map.entry(bytes("{\"event_name\":\"purchase\",\"event_timestamp\":\"yesterday\"}"), "event_timestamp"),
      Map.entry(bytes("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}"), "nested deeper than"),
      Map.entry(bytes("{\"eventType\":\"click\",\"campaignId\":\"camp0\",\"campaignId\":\"camp1\",\"organizationId\":\"org0\"}"),
          "campaignId: duplicate key"),
      Map.entry(bytes("{\"eventType\":\"click\",\"pad\":\"" + "x".repeat(40_000) + "\"}"), "larger than"));

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static void awaitMidStream(BeaconServer server, int total) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
        .until(() -> server.stats().snapshot().applied() > 0);
    assertThat(server.stats().snapshot().applied()).as("the fault comes mid-stream").isLessThan(total);
  }

  @Test
  void poisonInsideAMicroBatchIsDeadLetteredWithItsReasonAndEveryValidNeighbourCounts() throws Exception {
    var setup = setup();
    var valid = 1_000;
    var poisoned = valid + POISON.size() + 1;
    // the second micro-batch, after the poison, is as large as the first
    var mix = EventMix.generate(setup.topic(), valid + poisoned, 31, Instant.now());
    var first = new ArrayList<>(mix.records.subList(0, valid));
    var originals = new ArrayList<String>();
    for (int i = 0; i <= POISON.size(); i++) {
      // next to a valid record of the same key, so in the same partition, between valid records;
      // the last one is a tombstone (no value at all)
      var at = 70 * (i + 1);
      var value = i < POISON.size() ? POISON.get(i).getKey() : null;
      first.add(at, new ProducerRecord<>(setup.topic(), first.get(at).key(), value));
      originals.add(Base64.getEncoder().encodeToString(value == null ? new byte[0] : value));
    }
    createTopics(setup);
    produce(first);
    // everything is on the topic before the stream starts, and a micro-batch closes when it holds all
    var server = start(setup, setup.db(), "beacon.ingest.batch-size = " + poisoned + "\nbeacon.ingest.batch-window = 60s\n");
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> server.stats().snapshot().consumed() == first.size() && server.stats().snapshot().inFlightBatch() == 0);
    assertThat(server.stats().snapshot().batches()).as("micro-batches").isEqualTo(1);
    assertThat(server.stats().snapshot().deadLettered()).isEqualTo(originals.size());

    var dead = TopicReader.readAll(kafka().bootstrapServers(), setup.topic() + ".dlq", originals.size());
    var reasonsByOriginal = new HashMap<String, String>();
    for (var record : dead) {
      var envelope = Json.MAPPER.readTree(record.value());
      assertThat(envelope.get("topic").asText()).isEqualTo(setup.topic());
      var header = new String(record.headers().lastHeader(DeadLetters.REASONS_HEADER).value(), StandardCharsets.UTF_8);
      assertThat(header).isNotBlank();
      reasonsByOriginal.merge(envelope.get("originalBase64").asText(), header, (a, b) -> a + " | " + b);
    }
    assertThat(dead.stream().map(r -> readBase64(r.value()))).containsExactlyInAnyOrderElementsOf(originals);
    for (var poison : POISON) {
      assertThat(reasonsByOriginal.get(Base64.getEncoder().encodeToString(poison.getKey()))).contains(poison.getValue());
    }

    // the stream goes on: the rest of the mix after the poison, then every total is exact
    produce(mix.records.subList(valid, mix.records.size()));
    CampaignTotals.await(server.httpPort(), mix, Duration.ofSeconds(60));
    assertThat(server.stats().snapshot().batches()).as("micro-batches").isEqualTo(2);
    assertThat(server.stats().snapshot().deadLettered()).isEqualTo(originals.size());
  }

  private static String readBase64(byte[] envelope) {
    try {
      return Json.MAPPER.readTree(envelope).get("originalBase64").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aBrokerRestartMidStreamLosesNothingAndIntakeAnswers503WhileNoWriteCanBeAcknowledged() throws Exception {
    var setup = setup();
    var mix = EventMix.generate(setup.topic(), 20_400, 41, Instant.now());
    var viaKafka = mix.records.subList(0, 20_000);
    var chunks = new ArrayList<String>();
    for (int i = 20_000; i < mix.records.size(); i += 50) {
      var events = mix.records.subList(i, i + 50).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
      chunks.add("{\"events\":[" + String.join(",", events) + "]}");
    }
    var server = start(setup, setup.db(), "beacon.kafka.produce-timeout = 3s\n");
    var http = new HttpCalls(server.httpPort());
    assertThat(post(http, chunks.get(0)).status()).isEqualTo(202);
    produce(viaKafka);
    awaitMidStream(server, viaKafka.size());

    kafka().close();
    var refused = post(http, chunks.get(1));
    assertThat(refused.status()).as(refused.text()).isEqualTo(503);
    assertThat(refused.body().get("error").asText()).contains("Kafka");
    kit.startKafkaAgain();

    // a client retries what was refused; the id of an event makes its retry harmless
    for (var chunk : chunks.subList(1, chunks.size())) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        var answer = post(http, chunk);
        assertThat(answer.status()).as(answer.text()).isIn(202, 503);
        return answer.status() == 202;
      });
    }
    CampaignTotals.await(server.httpPort(), mix, Duration.ofSeconds(90));
  }

  private static HttpCalls.Answer post(HttpCalls http, String body) {
    return http.postJson("/api/analytics/real-time", body);
  }

  @Test
  void theReadSideWritesEachGroupOnceThroughARestartAndAKillInTheMiddleOfItsTransaction() throws Exception {
    var setup = setup();
    var first = Journeys.generate(setup.topic(), "shop", 0, 150);
    var second = Journeys.generate(setup.topic(), "shop", 150, 300);
    var third = Journeys.generate(setup.topic(), "shop", 300, 450);
    var firstTwo = Journeys.generate(setup.topic(), "shop", 0, 300);
    var all = Journeys.generate(setup.topic(), "shop", 0, 450);
    migrate(setup);
    var gate = kit.closeAfter(ReadSideGate.install(setup.db()));
    var server = start(setup, setup.db(), "");
    produce(first.records);
    first.awaitReadTables(setup.db(), Duration.ofSeconds(60));

    // The projection's source fails while a transaction is open (held at the gate, its rows and
    // offset written, not committed): the restarted projection hands the same events to a second
    // transaction, which waits on the first. Each row is still written once.
    gate.hold();
    produce(second.records);
    gate.awaitHeldWriter(Duration.ofSeconds(60));
    try (var log = new LogWatch(); var c = setup.db().connect(); var st = c.createStatement()) {
      st.execute("ALTER TABLE \"event_tag\" RENAME TO \"event_tag_gone\"");
      // every source that reads tagged events (they poll once a second): the journeys' slices, the
      // held one's among them, and the conversions' and predictions' projections beside them
      log.await(Duration.ofSeconds(30), 2 * JourneyBucket.TAGS.size() + BanditModel.TAGS.size(), "Restarting", "event_tag");
      st.execute("ALTER TABLE \"event_tag_gone\" RENAME TO \"event_tag\"");
    }
    gate.awaitQueuedWriter(Duration.ofSeconds(60));
    gate.release();
    firstTwo.awaitSteadyReadTables(setup.db(), Duration.ofSeconds(60));

    // kill -9 with a transaction open: the database loses the server's sessions, the open
    // transaction with them, and the server stops without a goodbye
    gate.hold();
    produce(third.records);
    gate.awaitHeldWriter(Duration.ofSeconds(60));
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
        server.stats().snapshot().consumed() == all.records.size()
            && server.stats().snapshot().inFlightBatch() == 0);
    setup.db().crash();
    gate.release();
    server.crash(Duration.ofSeconds(30));
    kit.forget(server);

    var restarted = start(setup, setup.db(), "");
    all.awaitSteadyReadTables(setup.db(), Duration.ofSeconds(60));
    assertThat(restarted.stats().snapshot().applied()).as("nothing for the entities to do again").isZero();
  }
}
