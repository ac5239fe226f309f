package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.BeaconServer;
import dev.beacon.testing.CampaignTotals;
import dev.beacon.testing.EventMix;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pipeline end to end against a real in-JVM broker and a real database: Kafka records in,
 * campaign totals out over HTTP, exact under redelivery, retries, poison records and a crash.
 * Subclasses choose the database.
 */
abstract class IngestPipelineContract {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();

  abstract TestDatabase database(Path dir);

  private record Setup(String topic, Path dataDir, TestDatabase db) {}

  private Setup setup() throws Exception {
    var dataDir = Files.createTempDirectory("beacon-data");
    var db = database(dataDir);
    broker.closeAfter(db);
    return new Setup("events-" + UUID.randomUUID(), dataDir, db);
  }

  private BeaconServer start(Setup setup, String extra) {
    return broker.start(TestServers.config(setup.dataDir(), broker.kafka().bootstrapServers(), setup.db(), setup.topic(), extra));
  }

  private static void produce(List<ProducerRecord<String, byte[]>> records) {
    TestProducer.produce(broker.kafka().bootstrapServers(), records);
  }


  private static void awaitTotals(BeaconServer server, EventMix mix) {
    CampaignTotals.await(server.httpPort(), mix, Duration.ofSeconds(90));
  }

  private static void awaitConsumed(BeaconServer server, long records) {
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> server.stats().snapshot().consumed() >= records && server.stats().snapshot().inFlightBatch() == 0);
  }

  @Test
  void mixedEventsOverOrganisationsCampaignsAndPartitionsGiveExactTotals() throws Exception {
    var setup = setup();
    var mix = EventMix.generate(setup.topic(), 4_000, 1, Instant.now());
    var server = start(setup, "");
    produce(mix.records);
    awaitTotals(server, mix);
    assertThat(mix.expected).hasSize(12);
  }

  @Test
  void theSameRecordsProducedAgainChangeNoTotal() throws Exception {
    var setup = setup();
    var mix = EventMix.generate(setup.topic(), 3_000, 2, Instant.now());
    var server = start(setup, "");
    produce(mix.records);
    awaitTotals(server, mix);

    produce(mix.records);
    awaitConsumed(server, 2L * mix.records.size());
    awaitTotals(server, mix);
    assertThat(server.stats().snapshot().deduplicated()).isEqualTo(mix.records.size());
  }

  @Test
  void kcatProducingByteIdenticalRecordsAmongThousandsCountsEachEventOnce() throws Exception {
    var setup = setup();
    var mix = EventMix.generate(setup.topic(), 5_000, 6, Instant.now());
    var records = new ArrayList<>(mix.records);
    // a byte-identical copy right after its original (same key: same partition, likely the same
    // micro-batch), and one of another record thousands later
    records.add(1_001, records.get(1_000));
    records.add(records.get(17));
    var server = start(setup, "");
    Kcat.produce(broker.kafka().bootstrapServers(), setup.topic(), records);
    awaitConsumed(server, records.size());
    awaitTotals(server, mix);
    var status = server.stats().snapshot();
    assertThat(status.deduplicated()).isEqualTo(2);
    assertThat(status.applied()).isEqualTo(mix.records.size());
  }

  @Test
  void invalidRecordsGoToTheDeadLetterTopicWithReasonsAndTheRestIsCounted() throws Exception {
    var setup = setup();
    var mix = EventMix.generate(setup.topic(), 1_000, 3, Instant.now());
    var poison = List.of(
        "{not json",
        "{\"eventType\":\"teleport\",\"campaignId\":\"camp0\",\"organizationId\":\"org0\"}",
        "{\"eventType\":\"click\",\"campaignId\":\"camp0\",\"organizationId\":\"org0\",\"value\":-1}",
        "[1,2,3]");
    var records = new ArrayList<>(mix.records);
    for (int i = 0; i < poison.size(); i++) {
      records.add(200 * (i + 1), new ProducerRecord<>(setup.topic(), "org0|camp0", poison.get(i).getBytes(StandardCharsets.UTF_8)));
    }
    var server = start(setup, "");
    produce(records);
    awaitTotals(server, mix);

    var dead = readAll(setup.topic() + ".dlq", poison.size());
    assertThat(dead).hasSize(poison.size());
    var originals = new ArrayList<String>();
    for (var record : dead) {
      var reasons = new String(record.headers().lastHeader(DeadLetters.REASONS_HEADER).value(), StandardCharsets.UTF_8);
      assertThat(reasons).isNotBlank();
      var envelope = dev.beacon.common.Json.MAPPER.readTree(record.value());
      assertThat(envelope.get("reasons").size()).isGreaterThan(0);
      assertThat(envelope.get("topic").asText()).isEqualTo(setup.topic());
      originals.add(new String(java.util.Base64.getDecoder().decode(envelope.get("originalBase64").asText()), StandardCharsets.UTF_8));
    }
    assertThat(originals).containsExactlyInAnyOrderElementsOf(poison);
    assertThat(server.stats().snapshot().deadLettered()).isEqualTo(poison.size());
  }

  @Test
  void aCrashMidStreamThenARestartOnTheSameBrokerAndDatabaseGivesExactTotals() throws Exception {
    var setup = setup();
    var mix = EventMix.generate(setup.topic(), 20_000, 4, Instant.now());
    var small = "beacon.ingest.batch-size = 300\nbeacon.ingest.batch-window = 20ms\n";
    var first = start(setup, small);
    produce(mix.records);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
        .until(() -> first.stats().snapshot().applied() > 0);
    first.crash(Duration.ofSeconds(30));
    broker.forget(first);
    var appliedBeforeCrash = first.stats().snapshot().applied();
    assertThat(appliedBeforeCrash).as("crashed mid-stream").isLessThan(mix.records.size());

    var second = start(setup, small);
    awaitTotals(second, mix);
  }

  @Test
  void aGracefulStopDrainsTheStreamAndCommitsEveryOffset() throws Exception {
    var setup = setup();
    var mix = EventMix.generate(setup.topic(), 5_000, 5, Instant.now());
    var server = start(setup, "");
    produce(mix.records);
    awaitTotals(server, mix);
    server.stop().toCompletableFuture().get();
    broker.forget(server);

    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of(
        org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers()))) {
      var committed = admin.listConsumerGroupOffsets(setup.topic() + "-group").partitionsToOffsetAndMetadata().get();
      var latest = new java.util.HashMap<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>();
      for (int p = 0; p < 4; p++) {
        latest.put(new org.apache.kafka.common.TopicPartition(setup.topic(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get();
      ends.forEach((tp, end) -> assertThat(committed.get(tp).offset()).as("committed offset of " + tp).isEqualTo(end.offset()));
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
    return TopicReader.readAll(broker.kafka().bootstrapServers(), topic, expected);
  }
}
