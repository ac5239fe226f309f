package dev.beacon.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  private static final String TOPIC = "events";
  private static final int RECORDS = 100;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void recordsAndTopicsSurviveARestartOnTheSameDir() throws Exception {
    var expected = IntStream.range(0, RECORDS).boxed()
        .collect(Collectors.toMap(i -> "key-" + i, i -> "value-" + i));

    try (var kafka = EmbeddedKafka.start(dir, 0, 0)) {
      createTopic(kafka, TOPIC, 3);
      produce(kafka, TOPIC, expected);
      assertEquals(expected, consumeAll(kafka, TOPIC, RECORDS));
    }

    try (var kafka = EmbeddedKafka.start(dir, 0, 0)) {
      assertEquals(3, describe(kafka, TOPIC).partitions().size());
      assertEquals(expected, consumeAll(kafka, TOPIC, RECORDS));
    }
  }

  @Test
  void aSecondBrokerOnADirectoryInUseIsRefused() throws Exception {
    try (var kafka = EmbeddedKafka.start(dir, 0, 0)) {
      assertThrows(EmbeddedKafka.LogDirInUse.class, () -> EmbeddedKafka.start(dir, 0, 0));
      createTopic(kafka, TOPIC, 1);
      assertEquals(Set.of(TOPIC), topics(kafka));
    }
  }

  @Test
  void twoBrokersRunSideBySide(@TempDir Path other) throws Exception {
    try (var first = EmbeddedKafka.start(dir.resolve("a"), 0, 0);
         var second = EmbeddedKafka.start(other.resolve("b"), 0, 0)) {
      assertNotEquals(first.bootstrapServers(), second.bootstrapServers());
      createTopic(first, "only-in-first", 1);
      createTopic(second, "only-in-second", 2);
      produce(first, "only-in-first", Map.of("k", "first"));
      produce(second, "only-in-second", Map.of("k", "second"));

      assertEquals(Set.of("only-in-first"), topics(first));
      assertEquals(Set.of("only-in-second"), topics(second));
      assertEquals(Map.of("k", "first"), consumeAll(first, "only-in-first", 1));
      assertEquals(Map.of("k", "second"), consumeAll(second, "only-in-second", 1));
    }
  }

  private static void createTopic(EmbeddedKafka kafka, String topic, int partitions)
      throws ExecutionException, InterruptedException {
    try (var admin = admin(kafka)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  private static TopicDescription describe(EmbeddedKafka kafka, String topic)
      throws ExecutionException, InterruptedException {
    try (var admin = admin(kafka)) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }
  }

  private static Set<String> topics(EmbeddedKafka kafka)
      throws ExecutionException, InterruptedException {
    try (var admin = admin(kafka)) {
      return admin.listTopics().names().get();
    }
  }

  private static Admin admin(EmbeddedKafka kafka) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static void produce(EmbeddedKafka kafka, String topic, Map<String, String> records)
      throws ExecutionException, InterruptedException {
    var props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      var sends = new ArrayList<Future<RecordMetadata>>();
      records.forEach((key, value) -> sends.add(producer.send(new ProducerRecord<>(topic, key, value))));
      for (var send : sends) send.get();
    }
  }

  /** Reads the topic from the beginning with a fresh group until {@code count} records arrived. */
  private static Map<String, String> consumeAll(EmbeddedKafka kafka, String topic, int count) {
    var props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    var received = new HashMap<String, String>();
    var deadline = Instant.now().plus(TIMEOUT);
    try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (received.size() < count && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          assertNull(received.put(record.key(), record.value()), "duplicate " + record.key());
        }
      }
    }
    return received;
  }
}
