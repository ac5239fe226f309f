package dev.beacon.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.event.Delivered;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record that cannot be processed to the dead-letter topic, with its reasons in headers
 * and in a JSON envelope that carries the original bytes, so nothing is dropped in silence.
 */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  public static final String REASONS_HEADER = "beacon-dlq-reasons";
  private final EventProducer producer;
  private final String topic;
  private final ObjectMapper mapper;

  public DeadLetters(EventProducer producer, String topic, ObjectMapper mapper) {
    this.producer = producer;
    this.topic = topic;
    this.mapper = mapper;
  }

  public CompletionStage<RecordMetadata> send(ConsumerRecord<String, byte[]> source, List<String> reasons) {
    log.warn("Dead-lettering {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), reasons);
    var value = source.value() == null ? new byte[0] : source.value();
    var envelope = new LinkedHashMap<String, Object>();
    envelope.put("reasons", reasons);
    envelope.put("topic", source.topic());
    envelope.put("partition", source.partition());
    envelope.put("offset", source.offset());
    envelope.put("key", source.key());
    envelope.put("timestamp", Instant.ofEpochMilli(source.timestamp()).toString());
    envelope.put("deadLetteredAt", Instant.now().toString());
    envelope.put("originalBase64", Base64.getEncoder().encodeToString(value));
    envelope.put("original", utf8OrNull(value));
    var record = new ProducerRecord<>(topic, null, source.key(), json(envelope));
    headers(record, reasons, source.topic(), source.partition(), source.offset());
    return producer.send(record);
  }

  /**
   * A valid event that an entity could not apply: the envelope carries the normalised event as
   * JSON (its original bytes are not kept past parsing) and where it was read.
   */
  public CompletionStage<RecordMetadata> send(Delivered source, List<String> reasons) {
    log.warn("Dead-lettering {}-{}@{} (event {}): {}", source.topic(), source.partition(), source.offset(),
        source.event().eventId(), reasons);
    var envelope = new LinkedHashMap<String, Object>();
    envelope.put("reasons", reasons);
    envelope.put("topic", source.topic());
    envelope.put("partition", source.partition());
    envelope.put("offset", source.offset());
    envelope.put("key", source.event().partitionKey());
    envelope.put("deadLetteredAt", Instant.now().toString());
    envelope.put("event", source.event());
    var record = new ProducerRecord<>(topic, null, source.event().partitionKey(), json(envelope));
    headers(record, reasons, source.topic(), source.partition(), source.offset());
    return producer.send(record);
  }

  private byte[] json(Object envelope) {
    try {
      return mapper.writeValueAsBytes(envelope);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("an envelope of strings, numbers and records always serializes", e);
    }
  }

  private static void headers(ProducerRecord<String, byte[]> record, List<String> reasons, String topic, int partition,
      long offset) {
    record.headers().add(REASONS_HEADER, String.join("; ", reasons).getBytes(StandardCharsets.UTF_8));
    record.headers().add("beacon-source-topic", topic.getBytes(StandardCharsets.UTF_8));
    record.headers().add("beacon-source-partition", Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
    record.headers().add("beacon-source-offset", Long.toString(offset).getBytes(StandardCharsets.UTF_8));
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
