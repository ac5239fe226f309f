package dev.beacon.bandit.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.common.Json;
import dev.beacon.ingest.DeadLetters;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.Kcat;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestProducer;
import dev.beacon.testing.TestServers;
import dev.beacon.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The models' Kafka streams on a running server, against the in-JVM broker and a real journal:
 * interactions produced with kcat are learned once each, bad records among them dead-lettered
 * with their reasons; the same records read again after the group's offsets are reset, or after
 * a crash before the commit, are not learned twice; rewards of decisions through Kafka are learned
 * once, a second one dead-lettered; decisions made over HTTP appear on the predictions topic.
 * Subclasses choose the database.
 */
abstract class ModelStreamsContract {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();
  private static final List<String> ARMS = List.of("spring-sale", "newsletter", "retargeting", "loyalty");
  private static final int DIMENSION = 21;

  abstract TestDatabase database(Path dir);

  /** One test's data folder, database and topic names (TestServers names the models' topics after {@code topic}). */
  private record Setup(String topic, Path dataDir, TestDatabase db) {
    String interactions() {
      return topic + ".interactions";
    }

    String deadLetters() {
      return topic + ".interactions.dlq";
    }

    String predictions() {
      return topic + ".predictions";
    }

    String group() {
      return topic + "-bandit";
    }
  }

  private Setup setup() throws Exception {
    var dataDir = Files.createTempDirectory("beacon-data");
    var db = database(dataDir);
    broker.closeAfter(db);
    return new Setup("models-" + UUID.randomUUID(), dataDir, db);
  }

  private BeaconServer start(Setup setup, String extra) {
    return broker.start(TestServers.config(setup.dataDir(), broker.kafka().bootstrapServers(), setup.db(), setup.topic(), extra));
  }

  private static HttpCalls.Answer configure(BeaconServer server, String model) {
    var answer = new HttpCalls(server.httpPort()).send("PUT", "/api/models/" + model, null,
        "{\"organizationId\": \"acme\", \"arms\": " + Json.MAPPER.valueToTree(ARMS) + "}");
    assertThat(answer.status()).as(answer.text()).isEqualTo(201);
    return answer;
  }

  private static JsonNode stats(BeaconServer server, String model) {
    var answer = new HttpCalls(server.httpPort()).get("/api/models/" + model);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    return answer.body();
  }

  private static void awaitUpdates(BeaconServer server, String model, long updates) {
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> stats(server, model).get("totalUpdates").asLong() >= updates);
  }

  /** Waits until the server's stream has consumed {@code records} and has nothing in hand. */
  private static void awaitConsumed(BeaconServer server, long records) {
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> server.interactionStats().snapshot().consumed() >= records);
  }

  /** An interaction of the old learner's shape: the arm by id for even {@code i}, by index for odd. */
  private static String interaction(String model, SplittableRandom world, int i) {
    var features = IntStream.range(0, DIMENSION).mapToObj(j -> Double.toString(world.nextGaussian())).collect(Collectors.joining(", "));
    var arm = world.nextInt(ARMS.size());
    var action = i % 2 == 0 ? "\"" + ARMS.get(arm) + "\"" : Integer.toString(arm);
    return "{\"modelId\": \"" + model + "\", \"features\": [" + features + "], \"action\": " + action + ", \"reward\": "
        + (world.nextInt(4) == 0 ? 1 : 0) + "}";
  }

  private static ProducerRecord<String, byte[]> record(String topic, int i, String value) {
    return new ProducerRecord<>(topic, "user-" + i, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Each arm's learned updates, as the model's export counts them. */
  private static Map<String, Long> updatesPerArm(BeaconServer server, String model) {
    var exported = new HttpCalls(server.httpPort()).get("/api/models/" + model + "/export").body();
    var updates = new HashMap<String, Long>();
    exported.get("arms").forEach(arm -> updates.put(arm.get("id").asText(), arm.get("updates").asLong()));
    return updates;
  }

  private static Map<String, Long> expectedUpdatesPerArm(List<String> interactions) throws Exception {
    var updates = new HashMap<String, Long>();
    for (var text : interactions) {
      var action = Json.MAPPER.readTree(text).get("action");
      updates.merge(action.isNumber() ? ARMS.get(action.asInt()) : action.asText(), 1L, Long::sum);
    }
    return updates;
  }

  /** The dead letters of the interactions topic: original record → its reasons. */
  private static Map<String, String> deadLetters(Setup setup, int expected) throws Exception {
    var letters = new HashMap<String, String>();
    for (var record : TopicReader.readAll(broker.kafka().bootstrapServers(), setup.deadLetters(), expected)) {
      var envelope = Json.MAPPER.readTree(record.value());
      assertThat(envelope.get("topic").asText()).isEqualTo(setup.interactions());
      assertThat(new String(record.headers().lastHeader(DeadLetters.REASONS_HEADER).value(), StandardCharsets.UTF_8)).isNotBlank();
      var original = new String(Base64.getDecoder().decode(envelope.get("originalBase64").asText()), StandardCharsets.UTF_8);
      letters.put(original, String.join("; ", Json.MAPPER.convertValue(envelope.get("reasons"), String[].class)));
    }
    return letters;
  }

  @Test
  void interactionsProducedWithKcatAreLearnedOnceEvenWhenReadAgainAndBadOnesAreDeadLetteredWithTheirReasons() throws Exception {
    var setup = setup();
    var server = start(setup, "");
    configure(server, "picker");
    configure(server, "other");
    var world = new SplittableRandom(1);
    var good = new ArrayList<String>();
    for (var i = 0; i < 300; i++) good.add(interaction(i % 3 == 0 ? "other" : "picker", world, i));
    var twenty = IntStream.range(0, 20).mapToObj(j -> "0.5").collect(Collectors.joining(", "));
    var twentyOne = twenty + ", 1";
    var bad = Map.of(
        "{\"modelId\": \"picker\", \"features\": [" + twentyOne + "", "record: malformed JSON at line 1, column 137: the document ends early",
        "{\"modelId\": \"picker\", \"features\": [" + twenty + "], \"action\": 1, \"reward\": 1}",
        "features: the model's dimension is 21, got 20 values",
        "{\"modelId\": \"picker\", \"features\": [NaN, " + twenty + "], \"action\": 1, \"reward\": 1}",
        "features[0]: must be a finite number, got NaN",
        "{\"modelId\": \"picker\", \"features\": [" + twentyOne + "], \"action\": \"teleport\", \"reward\": 1}",
        "action: no arm 'teleport' in the model; its arms are " + ARMS,
        "{\"modelId\": \"picker\", \"features\": [" + twentyOne + "], \"action\": 4, \"reward\": 1}",
        "action: arm index 4 is beyond the model's 4 arms " + ARMS,
        "{\"modelId\": \"ghost\", \"features\": [" + twentyOne + "], \"action\": 1, \"reward\": 1}",
        "modelId: no model 'ghost' (PUT /api/models/ghost creates it)",
        "{\"features\": [" + twentyOne + "], \"action\": 1, \"reward\": 1}",
        "modelId: required (no beacon.bandit.interactions-default-model is set)");
    var records = new ArrayList<ProducerRecord<String, byte[]>>();
    for (var i = 0; i < good.size(); i++) records.add(record(setup.interactions(), i, good.get(i)));
    var i = 0;
    for (var text : bad.keySet()) records.add(40 * ++i, record(setup.interactions(), 1_000 + i, text));

    Kcat.produce(broker.kafka().bootstrapServers(), setup.interactions(), records);
    awaitUpdates(server, "picker", 200);
    awaitUpdates(server, "other", 100);
    awaitConsumed(server, records.size());

    assertThat(stats(server, "picker").get("totalUpdates").asLong()).isEqualTo(200);
    assertThat(stats(server, "other").get("totalUpdates").asLong()).isEqualTo(100);
    assertThat(updatesPerArm(server, "picker")).isEqualTo(expectedUpdatesPerArm(good.stream().filter(g -> g.contains("picker")).toList()));
    assertThat(deadLetters(setup, bad.size())).isEqualTo(bad);
    var first = server.interactionStats().snapshot();
    assertThat(first.learned()).isEqualTo(300);
    assertThat(first.deadLettered()).isEqualTo(bad.size());

    // the group reads the topic again from the start: every record is delivered once more
    server.stop().toCompletableFuture().get();
    broker.forget(server);
    resetGroupToEarliest(setup);
    var again = start(setup, "");
    awaitConsumed(again, records.size());

    var second = again.interactionStats().snapshot();
    assertThat(second.learned()).as("nothing learned twice").isZero();
    // the records a model refused are covered by its offsets once it learned a record after them
    assertThat(second.redelivered()).isGreaterThanOrEqualTo(300);
    assertThat(second.redelivered() + second.deadLettered()).isEqualTo(records.size());
    assertThat(stats(again, "picker").get("totalUpdates").asLong()).isEqualTo(200);
    assertThat(stats(again, "other").get("totalUpdates").asLong()).isEqualTo(100);
  }

  private static void resetGroupToEarliest(Setup setup) throws Exception {
    try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers()))) {
      var earliest = new HashMap<TopicPartition, OffsetSpec>();
      for (var p = 0; p < 4; p++) earliest.put(new TopicPartition(setup.interactions(), p), OffsetSpec.earliest());
      var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
      admin.listOffsets(earliest).all().get().forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o.offset())));
      // the stopped server's consumer has left the group, so its offsets may be changed
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> admin.alterConsumerGroupOffsets(setup.group(), offsets).all().get() == null);
    }
  }

  @Test
  void aCrashBeforeTheCommitThenARestartLearnsEachInteractionOnce() throws Exception {
    var setup = setup();
    var small = "beacon.bandit.interactions-batch-size = 100\nbeacon.bandit.interactions-batch-window = 20ms\n";
    var first = start(setup, small);
    configure(first, "picker");
    var world = new SplittableRandom(2);
    var interactions = IntStream.range(0, 6_000).mapToObj(i -> interaction("picker", world, i)).toList();
    var records = IntStream.range(0, interactions.size()).mapToObj(i -> record(setup.interactions(), i, interactions.get(i))).toList();

    TestProducer.produce(broker.kafka().bootstrapServers(), records);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
        .until(() -> first.interactionStats().snapshot().learned() > 0);
    first.crash(Duration.ofSeconds(30));
    broker.forget(first);
    assertThat(first.interactionStats().snapshot().learned()).as("crashed mid-stream").isLessThan(interactions.size());

    var second = start(setup, small);
    awaitUpdates(second, "picker", interactions.size());
    awaitConsumed(second, 1);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> committedEverything(setup));

    assertThat(stats(second, "picker").get("totalUpdates").asLong()).isEqualTo(interactions.size());
    assertThat(updatesPerArm(second, "picker")).isEqualTo(expectedUpdatesPerArm(interactions));
    // offsets are committed at most every second (pekko.kafka.committer): what was learned just before the crash came again
    assertThat(second.interactionStats().snapshot().redelivered()).isPositive();
  }

  private static boolean committedEverything(Setup setup) throws Exception {
    try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers()))) {
      var committed = admin.listConsumerGroupOffsets(setup.group()).partitionsToOffsetAndMetadata().get();
      var latest = new HashMap<TopicPartition, OffsetSpec>();
      for (var p = 0; p < 4; p++) latest.put(new TopicPartition(setup.interactions(), p), OffsetSpec.latest());
      var ends = admin.listOffsets(latest).all().get();
      return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
          || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() == e.getValue().offset());
    }
  }

  @Test
  void rewardsOfDecisionsThroughKafkaAreLearnedOnceAndASecondOneIsDeadLettered() throws Exception {
    var setup = setup();
    var server = start(setup, "");
    configure(server, "picker");
    var http = new HttpCalls(server.httpPort());
    var features = "[" + IntStream.range(0, DIMENSION).mapToObj(j -> "0.1").collect(Collectors.joining(", ")) + "]";
    var decision = http.send("POST", "/api/models/picker/decide", null, "{\"features\": " + features + "}").body();
    var decisionId = decision.get("decisionId").asText();
    var reward = "{\"modelId\": \"picker\", \"decisionId\": \"" + decisionId + "\", \"reward\": 1}";
    var secondReward = "{\"modelId\": \"picker\", \"decisionId\": \"" + decisionId + "\", \"reward\": 0.5}";
    var unknown = "{\"modelId\": \"picker\", \"decisionId\": \"d-99\", \"reward\": 1}";

    Kcat.produce(broker.kafka().bootstrapServers(), setup.interactions(), List.of(record(setup.interactions(), 0, reward)));
    awaitUpdates(server, "picker", 1);
    Kcat.produce(broker.kafka().bootstrapServers(), setup.interactions(),
        List.of(record(setup.interactions(), 0, secondReward), record(setup.interactions(), 1, unknown)));

    assertThat(deadLetters(setup, 2)).isEqualTo(Map.of(
        secondReward, "decisionId: decision already rewarded ('" + decisionId + "'); a decision learns one reward",
        unknown, "decisionId: unknown decision 'd-99'"));
    var stats = stats(server, "picker");
    assertThat(stats.get("totalUpdates").asLong()).isEqualTo(1);
    assertThat(stats.get("averageReward").asDouble()).isEqualTo(1.0);
    var overHttp = http.send("POST", "/api/models/picker/reward", null, "{\"decisionId\": \"" + decisionId + "\", \"reward\": 1}");
    assertThat(overHttp.status()).isEqualTo(409);
  }

  @Test
  void decisionsOverHttpAppearOnThePredictionsTopicKeyedByModel() throws Exception {
    var setup = setup();
    var server = start(setup, "");
    configure(server, "picker");
    var http = new HttpCalls(server.httpPort());
    var world = new SplittableRandom(3);
    var decisions = new HashMap<String, JsonNode>();
    for (var i = 0; i < 5; i++) {
      var features = "[" + IntStream.range(0, DIMENSION).mapToObj(j -> Double.toString(world.nextGaussian()))
          .collect(Collectors.joining(", ")) + "]";
      var answer = http.send("POST", "/api/models/picker/decide", null, "{\"features\": " + features + ", \"userId\": \"u-" + i + "\"}");
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
      decisions.put(answer.body().get("decisionId").asText(), answer.body());
    }

    var published = TopicReader.readAll(broker.kafka().bootstrapServers(), setup.predictions(), decisions.size());

    assertThat(published).hasSize(decisions.size());
    for (var record : published) {
      assertThat(record.key()).isEqualTo("picker");
      var prediction = Json.MAPPER.readTree(record.value());
      var made = decisions.get(prediction.get("decisionId").asText());
      assertThat(made).as("a decision made over HTTP: " + prediction).isNotNull();
      assertThat(prediction.get("modelId").asText()).isEqualTo("picker");
      assertThat(prediction.get("organizationId").asText()).isEqualTo("acme");
      assertThat(prediction.get("arm").asText()).isEqualTo(made.get("arm").asText());
      assertThat(prediction.get("propensity").asDouble()).isEqualTo(made.get("propensity").asDouble());
      assertThat(prediction.get("modelVersion").asLong()).isEqualTo(made.get("modelVersion").asLong());
      assertThat(prediction.get("userId").asText()).startsWith("u-");
      assertThat(prediction.get("features").size()).isEqualTo(DIMENSION);
      assertThat(prediction.get("decidedAt").asText()).isNotBlank();
    }
  }
}
