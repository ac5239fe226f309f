package dev.beacon.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import dev.beacon.event.EventParser;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * HTTP intake: a request body with {@code {"event": {...}}} or {@code {"events": [...]}} is
 * checked item by item; the valid items are written to {@code beacon.events}, each keyed by its
 * user (else its campaign), and the answer comes only when Kafka acknowledged every one of
 * them. Each item goes on the topic as the bytes of its own JSON, stamped with the time it was
 * accepted, which stands in for a missing timestamp on both sides of the topic.
 */
public final class HttpIntake {
  private final EventParser parser;
  private final EventProducer producer;
  private final KafkaSettings kafka;
  private final IngestStats stats;
  private final Clock clock;
  private final int maxBatch;
  private final ObjectMapper bodyMapper;

  public HttpIntake(EventParser parser, EventProducer producer, KafkaSettings kafka, IngestStats stats, Clock clock,
      int maxBatch, long maxBodyBytes) {
    this.parser = parser;
    this.producer = producer;
    this.kafka = kafka;
    this.stats = stats;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.bodyMapper = Json.mapper(32, (int) maxBodyBytes, maxBodyBytes);
  }

  /** What a request came to. */
  public sealed interface Outcome permits Accepted, BadRequest, TooLarge {}

  /** Some or none accepted; {@code rejected} lists each refused item by its index in the request. */
  public record Accepted(int accepted, List<Rejected> rejected) implements Outcome {}

  public record Rejected(int index, List<String> reasons) {}

  public record BadRequest(List<String> reasons) implements Outcome {}

  public record TooLarge(String reason) implements Outcome {}

  /**
   * Checks and writes the events of one request body. {@code campaignId}, when given, is the
   * campaign of the path: items without one get it, items naming another are refused.
   */
  public CompletionStage<Outcome> accept(byte[] body, String campaignId) {
    JsonNode root;
    try {
      root = bodyMapper.readTree(body);
    } catch (JacksonException e) {
      return done(new BadRequest(List.of("body: malformed JSON: " + e.getOriginalMessage())));
    } catch (java.io.IOException e) {
      return done(new BadRequest(List.of("body: unreadable: " + e.getMessage())));
    }
    List<JsonNode> items;
    if (root != null && root.isObject() && root.has("events") && root.get("events").isArray()) {
      items = new ArrayList<>();
      root.get("events").forEach(items::add);
      if (items.isEmpty()) return done(new BadRequest(List.of("events: must not be empty")));
    } else if (root != null && root.isObject() && root.has("event") && root.get("event").isObject()) {
      items = List.of(root.get("event"));
    } else {
      return done(new BadRequest(List.of("body: expected {\"event\": {...}} or {\"events\": [...]}")));
    }
    if (items.size() > maxBatch) {
      return done(new TooLarge("events: " + items.size() + " events, at most " + maxBatch + " per request"));
    }

    var nowMillis = clock.millis();
    var now = Instant.ofEpochMilli(nowMillis);
    var rejected = new ArrayList<Rejected>();
    var writes = new ArrayList<CompletableFuture<?>>();
    for (int i = 0; i < items.size(); i++) {
      var item = items.get(i);
      var reasons = forCampaign(item, campaignId);
      if (!reasons.isEmpty()) {
        rejected.add(new Rejected(i, reasons));
        continue;
      }
      var bytes = toBytes(item);
      var parsed = parser.parse(bytes, now);
      if (parsed instanceof EventParser.Invalid invalid) {
        rejected.add(new Rejected(i, invalid.reasons()));
      } else if (parsed instanceof EventParser.Valid valid) {
        var record = new ProducerRecord<>(kafka.topic(), null, nowMillis, valid.event().partitionKey(), bytes);
        writes.add(producer.send(record).toCompletableFuture());
      }
    }
    rejected.forEach(r -> stats.rejected(r.reasons()));
    var accepted = writes.size();
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .orTimeout(kafka.produceTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(v -> {
          stats.accepted(accepted);
          return (Outcome) new Accepted(accepted, rejected);
        });
  }

  private static List<String> forCampaign(JsonNode item, String campaignId) {
    if (campaignId == null || !item.isObject()) return List.of();
    var given = item.get("campaignId");
    if (given == null || given.isNull()) {
      ((ObjectNode) item).put("campaignId", campaignId);
      return List.of();
    }
    if (!given.asText().equals(campaignId)) {
      return List.of("campaignId: must be '" + campaignId + "' (the campaign of the path), got '" + given.asText() + "'");
    }
    return List.of();
  }

  private byte[] toBytes(JsonNode item) {
    try {
      return bodyMapper.writeValueAsBytes(item);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree always serializes", e);
    }
  }

  private static CompletionStage<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }
}
