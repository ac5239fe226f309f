package dev.beacon.ingest;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one Kafka producer of a Beacon process (HTTP intake, dead letters, simulator): idempotent,
 * acks=all, so a write it confirms is on the broker and is never written twice by its retries.
 */
public final class EventProducer implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;

  public EventProducer(String bootstrapServers) {
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.CLIENT_ID_CONFIG, "beacon-producer"),
        new StringSerializer(), new ByteArraySerializer());
  }

  /** Completes when the broker acknowledged the record, exceptionally when it could not. */
  public CompletionStage<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
    var done = new CompletableFuture<RecordMetadata>();
    try {
      producer.send(record, (metadata, error) -> {
        if (error != null) done.completeExceptionally(error);
        else done.complete(metadata);
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
