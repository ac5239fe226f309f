package dev.beacon.ingest;

import java.time.Duration;
import java.util.HashMap;
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
  private static final int LINGER_MS = 5;
  private final KafkaProducer<String, byte[]> producer;

  /** A producer with Kafka's timeouts: it keeps retrying a write for up to two minutes. */
  public EventProducer(KafkaSettings kafka) {
    this(kafka, Map.of());
  }

  /**
   * A producer that gives up on a write after {@code deliveryTimeout}, and never blocks a caller
   * longer: HTTP intake answers within that time, and a write it reported as failed should not
   * land minutes later, when the broker is back, behind the client's back.
   */
  public EventProducer(KafkaSettings kafka, Duration deliveryTimeout) {
    this(kafka, Map.of(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis(),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, deliveryTimeout.toMillis() - LINGER_MS),
        ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeout.toMillis()));
  }

  private EventProducer(KafkaSettings kafka, Map<String, Object> timeouts) {
    this.producer = new KafkaProducer<>(config(kafka, timeouts), new StringSerializer(), new ByteArraySerializer());
  }

  /** Beacon's settings of its producer, the timeouts, then the bootstrap servers and client properties. */
  static Map<String, Object> config(KafkaSettings kafka, Map<String, Object> timeouts) {
    var own = new HashMap<String, Object>(Map.of(
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, LINGER_MS,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.CLIENT_ID_CONFIG, "beacon-producer"));
    own.putAll(timeouts);
    return kafka.clientConfig(own);
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
    producer.close(Duration.ofSeconds(5));
  }
}
