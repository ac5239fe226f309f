package dev.beacon.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.common.LogContext;
import dev.beacon.event.Delivered;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record that cannot be processed to the dead-letter topic, with its reasons in headers
 * and in a JSON envelope that carries the original bytes, so nothing is dropped in silence. Each
 * record the broker acknowledged counts once on {@code beacon.dead.letters}, by the topic and the
 * field its first reason names (the reason's text varies without bound; the field does not).
 */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  public static final String REASONS_HEADER = "beacon-dlq-reasons";
  /** Distinct reasons counted at most; any further one counts as {@value #OTHER}. */
  static final int MAX_REASONS = 50;
  static final String OTHER = "other";
  /** A reason's field: {@code "events[0].campaignId: …"} is about {@code events}, {@code "metadata.x: …"} about {@code metadata}. */
  private static final Pattern FIELD = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]{0,39})(?:[.\\[][^:]*)?: ");
  private final EventProducer producer;
  private final String topic;
  private final ObjectMapper mapper;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> byReason = new ConcurrentHashMap<>();

  public DeadLetters(EventProducer producer, String topic, ObjectMapper mapper, MeterRegistry registry) {
    this.producer = producer;
    this.topic = topic;
    this.mapper = mapper;
    this.registry = registry;
  }

  public CompletionStage<RecordMetadata> send(ConsumerRecord<String, byte[]> source, List<String> reasons) {
    try (var logged = LogContext.partition(source.topic(), source.partition())) {
      log.warn("Dead-lettering {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), reasons);
    }
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
    return sent(record, reasons);
  }

  /**
   * An item a tracker route refused before it reached the topic ({@link HttpIntake#acceptTracked}):
   * the envelope carries the item as the route read it, and the route it came in through.
   */
  public CompletionStage<RecordMetadata> send(String route, String organizationId, byte[] item, List<String> reasons) {
    log.warn("Dead-lettering an item of {} for organization {}: {}", route, organizationId, reasons);
    var envelope = new LinkedHashMap<String, Object>();
    envelope.put("reasons", reasons);
    envelope.put("route", route);
    envelope.put("organizationId", organizationId);
    envelope.put("deadLetteredAt", Instant.now().toString());
    // a request body can be large: its bytes go once, as text when they are UTF-8
    var text = utf8OrNull(item);
    if (text != null) envelope.put("original", text);
    else envelope.put("originalBase64", Base64.getEncoder().encodeToString(item));
    var record = new ProducerRecord<String, byte[]>(topic, null, organizationId, json(envelope));
    record.headers().add(REASONS_HEADER, String.join("; ", reasons).getBytes(StandardCharsets.UTF_8));
    record.headers().add("beacon-source-route", route.getBytes(StandardCharsets.UTF_8));
    return sent(record, reasons);
  }

  /**
   * A valid event that an entity could not apply: the envelope carries the normalised event as
   * JSON (its original bytes are not kept past parsing) and where it was read.
   */
  public CompletionStage<RecordMetadata> send(Delivered source, List<String> reasons) {
    try (var logged = LogContext.partition(source.topic(), source.partition())) {
      log.warn("Dead-lettering {}-{}@{} (event {}): {}", source.topic(), source.partition(), source.offset(),
          source.event().eventId(), reasons);
    }
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
    return sent(record, reasons);
  }

  private CompletionStage<RecordMetadata> sent(ProducerRecord<String, byte[]> record, List<String> reasons) {
    var counter = counter(reasonOf(reasons));
    return producer.send(record).thenApply(metadata -> {
      counter.increment();
      return metadata;
    });
  }

  private Counter counter(String reason) {
    var key = byReason.size() < MAX_REASONS || byReason.containsKey(reason) ? reason : OTHER;
    return byReason.computeIfAbsent(key, k -> Counter.builder("beacon.dead.letters")
        .description("records sent to a dead-letter topic, by the field their first reason names")
        .tags("topic", topic, "reason", k)
        .register(registry));
  }

  /** The field the first reason names, or {@value #OTHER}. */
  static String reasonOf(List<String> reasons) {
    if (reasons.isEmpty()) return OTHER;
    var field = FIELD.matcher(reasons.get(0));
    return field.find() ? field.group(1) : OTHER;
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
