package dev.beacon.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.beacon.event.EventParser;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.ingest.EventProducer;
import dev.beacon.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator against a real broker: the in-JVM KRaft broker, Beacon's producer, a plain consumer. */
class SimulatorKafkaTest {
  static final ActorTestKit testKit = ActorTestKit.create("SimulatorKafkaTest",
      ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.defaultReference()));
  @TempDir static Path dir;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("sim-burst", 4, (short) 1), new NewTopic("sim-command", 4, (short) 1)))
          .all().get();
    }
  }

  @AfterAll
  static void stopBroker() {
    testKit.shutdownTestKit();
    kafka.close();
  }

  @Test
  void aBurstThroughBeaconsProducerLandsExactlyOnceKeyedByUser() {
    var settings = new SimulatorSettings(false, "demo", List.of("c1"), 600, 42, 300, 0.01, 128, "",
        SimulatorSettings.DEFAULT_ORGANIZATION_ID_PATTERN);
    Simulator.Outcome outcome;
    try (var producer = new EventProducer(TestServers.kafka(kafka.bootstrapServers()))) {
      var simulator = new Simulator(testKit.system(), producer::send, "sim-burst", settings, Clock.systemUTC());
      var request = ((RequestValidation.Valid) simulator.validate(SimulationFixtures.json(new SimulatedEvent("", (
          "{\"action\":\"burst\",\"organizationId\":\"acme\",\"campaignIds\":[\"spring-sale\",\"brand-search\"],"
              + "\"options\":{\"count\":500}}").getBytes(StandardCharsets.UTF_8), Instant.EPOCH)))).request();
      outcome = simulator.handle(request).toCompletableFuture().join();
    }
    assertThat(outcome).isEqualTo(new Simulator.Sent(SimulationRequest.Action.BURST, 500, 0, null, List.of()));

    var records = consume("sim-burst", 500);
    assertThat(records).hasSize(500);
    var parser = SimulationFixtures.parser(Instant.now().plusSeconds(60));
    var partitionOfKey = new HashMap<String, Integer>();
    for (var record : records) {
      var parsed = parser.parse(record.value(), Instant.now());
      assertThat(parsed).isInstanceOf(EventParser.Valid.class);
      assertThat(record.key()).isEqualTo(((EventParser.Valid) parsed).event().partitionKey()).startsWith("acme|user-");
      // one user's events share a partition, so they stay in order
      assertThat(partitionOfKey.computeIfAbsent(record.key(), k -> record.partition())).isEqualTo(record.partition());
    }
  }

  @Test
  void theSimulateCommandWritesABurstToARunningBeaconsKafka() {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var status = SimulateCommand.run(new String[] {"--bootstrap", kafka.bootstrapServers(), "--topic", "sim-command",
        "--organization", "cli-org", "--campaigns", "a,b", "--mode", "burst", "--count", "120", "--seed", "5"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as("exit status; stderr: %s", err).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Done: 120 events sent to sim-command, 0 failed.");
    var records = consume("sim-command", 120);
    assertThat(records).hasSize(120).allSatisfy(r -> assertThat(r.key()).startsWith("cli-org|user-"));
  }

  @Test
  void theSimulateCommandStopsWhenTheTopicIsMissing() {
    var err = new ByteArrayOutputStream();
    var status = SimulateCommand.run(new String[] {"--bootstrap", kafka.bootstrapServers(), "--topic", "no-such-topic",
        "--organization", "cli-org", "--campaigns", "a", "--mode", "journey"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no topic no-such-topic");
  }

  /** Every record of the topic: polls until {@code expected} arrived, then once more to catch any extra. */
  private static List<ConsumerRecord<String, byte[]>> consume(String topic, int expected) {
    var props = Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    var records = new ArrayList<ConsumerRecord<String, byte[]>>();
    try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    return records;
  }
}
