package dev.beacon.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import dev.beacon.common.JsonInput;
import dev.beacon.event.Event;
import dev.beacon.event.EventParser;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP intake: a request body with {@code {"event": {...}}} or {@code {"events": [...]}} is
 * checked item by item; the valid items are written to {@code beacon.events}, each keyed by its
 * user (else its campaign), and the answer comes only when Kafka acknowledged every one of
 * them. Each item goes on the topic as the bytes of its own JSON, stamped with the time it was
 * accepted, which stands in for a missing timestamp on both sides of the topic. When Kafka does
 * not acknowledge every write in time (the broker is down or restarting), no item of the request
 * counts as accepted: the client retries it, and the event ids make the retry count once.
 */
public final class HttpIntake {
  private static final Logger log = LoggerFactory.getLogger(HttpIntake.class);
  private final EventParser parser;
  private final EventProducer producer;
  private final KafkaSettings kafka;
  private final IngestStats stats;
  private final Clock clock;
  private final int maxBatch;
  private final JsonInput bodies;
  private final DeadLetters deadLetters;

  public HttpIntake(EventParser parser, EventProducer producer, DeadLetters deadLetters, KafkaSettings kafka,
      IngestStats stats, Clock clock, int maxBatch, long maxBodyBytes) {
    this.parser = parser;
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.kafka = kafka;
    this.stats = stats;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.bodies = new JsonInput(32, (int) maxBodyBytes, maxBodyBytes, false);
  }

  /** What a request came to. */
  public sealed interface Outcome permits Accepted, BadRequest, TooLarge, Unavailable {}

  /** Some or none accepted; {@code rejected} lists each refused item by its index in the request. */
  public record Accepted(int accepted, List<Rejected> rejected) implements Outcome {}

  public record Rejected(int index, List<String> reasons) {}

  public record BadRequest(List<String> reasons) implements Outcome {}

  public record TooLarge(String reason) implements Outcome {}

  /** Kafka did not acknowledge every valid item: what was written is unknown, the request is to be retried. */
  public record Unavailable(String reason) implements Outcome {}

  /**
   * Checks and writes the events of one request body. {@code campaignId}, when given, is the
   * campaign of the path, and {@code organizationId} the organisation of the caller's key: items
   * without one get it, items naming another are refused.
   */
  public CompletionStage<Outcome> accept(byte[] body, String campaignId, String organizationId) {
    JsonNode root;
    try {
      root = bodies.read(body);
    } catch (JsonInput.Unreadable e) {
      return done(new BadRequest(List.of(e.reason())));
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

    return write(items, Collections.nCopies(items.size(), List.of()), campaignId, organizationId, null);
  }

  /**
   * Checks and writes events that a tracker route (Segment's API, GA4's Measurement Protocol)
   * has already put into a wire format Beacon reads. Its clients drop what a refusal names rather
   * than show it to anyone, so each refused item also goes to the dead-letter topic with its
   * reasons, under {@code route}, before the answer: nothing is dropped in silence. The answer
   * comes once Kafka acknowledged every write, as for {@link #accept}.
   */
  public CompletionStage<Outcome> acceptTracked(List<? extends JsonNode> items, String organizationId, String route) {
    return write(items, Collections.nCopies(items.size(), List.of()), null, organizationId, route);
  }

  /**
   * The same, where the route has refused some items by its own rules already: {@code refused}
   * holds each item's reasons (empty for none, in the order of {@code items}); such an item is
   * dead-lettered with them, as it came, without being parsed.
   */
  public CompletionStage<Outcome> acceptTracked(List<? extends JsonNode> items, List<List<String>> refused,
      String organizationId, String route) {
    if (refused.size() != items.size()) throw new IllegalArgumentException("one list of reasons per item");
    return write(items, refused, null, organizationId, route);
  }

  /**
   * A tracker request refused whole by its route (too large, not what the protocol reads): its
   * body goes to the dead-letter topic with {@code reasons}, under {@code route}. The answer, once
   * Kafka acknowledged, lists it as item 0 refused; {@link Unavailable} when Kafka did not.
   */
  public CompletionStage<Outcome> refuseTracked(byte[] body, String organizationId, String route, List<String> reasons) {
    stats.rejected(reasons);
    var sent = deadLetters.send(route, organizationId, body, reasons).toCompletableFuture();
    return acknowledged(List.of(sent), 0, List.of(new Rejected(0, reasons)));
  }

  /**
   * What {@link #acceptTracked} would make of each item, writing nothing: its reasons, empty for
   * an item it would accept (a duplicate is still accepted, and counted once downstream).
   */
  public List<List<String>> check(List<? extends JsonNode> items, String organizationId) {
    var now = clock.instant();
    return items.stream().map(item -> checked(item, null, organizationId, now).reasons()).toList();
  }

  /** One item as the checks left it: its bytes, and its event when valid, else its reasons. */
  private record Checked(byte[] bytes, Event event, List<String> reasons) {}

  private Checked checked(JsonNode item, String campaignId, String organizationId, Instant now) {
    var reasons = new ArrayList<String>(bound(item, "organizationId", organizationId, "the organization of the key"));
    reasons.addAll(bound(item, "campaignId", campaignId, "the campaign of the path"));
    var bytes = toBytes(item);
    if (reasons.isEmpty()) {
      var parsed = parser.parse(bytes, now);
      if (parsed instanceof EventParser.Valid valid) return new Checked(bytes, valid.event(), List.of());
      reasons.addAll(((EventParser.Invalid) parsed).reasons());
    }
    return new Checked(bytes, null, reasons);
  }

  /**
   * {@code refused}: each item's reasons found before (dead-lettered as it is, not parsed);
   * {@code deadLetterRoute}: where refused items came in, to dead-letter them under; null to answer with them only.
   */
  private CompletionStage<Outcome> write(List<? extends JsonNode> items, List<List<String>> refused, String campaignId,
      String organizationId, String deadLetterRoute) {
    var nowMillis = clock.millis();
    var now = Instant.ofEpochMilli(nowMillis);
    var rejected = new ArrayList<Rejected>();
    var writes = new ArrayList<CompletableFuture<?>>();
    var deadLettered = new ArrayList<CompletableFuture<?>>();
    for (int i = 0; i < items.size(); i++) {
      var item = items.get(i);
      var checked = refused.get(i).isEmpty() ? checked(item, campaignId, organizationId, now)
          : new Checked(toBytes(item), null, refused.get(i));
      if (checked.event() != null) {
        var record = new ProducerRecord<>(kafka.topic(), null, nowMillis, checked.event().partitionKey(), checked.bytes());
        writes.add(producer.send(record).toCompletableFuture());
        continue;
      }
      rejected.add(new Rejected(i, checked.reasons()));
      if (deadLetterRoute != null) {
        deadLettered.add(deadLetters.send(deadLetterRoute, organizationId, checked.bytes(), checked.reasons()).toCompletableFuture());
      }
    }
    rejected.forEach(r -> stats.rejected(r.reasons()));
    var accepted = writes.size();
    writes.addAll(deadLettered);
    return acknowledged(writes, accepted, rejected);
  }

  /** The outcome once Kafka acknowledged {@code writes}, of which {@code accepted} are events. */
  private CompletionStage<Outcome> acknowledged(List<CompletableFuture<?>> writes, int accepted, List<Rejected> rejected) {
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .orTimeout(kafka.produceTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((v, error) -> {
          if (error == null) {
            stats.accepted(accepted);
            return (Outcome) new Accepted(accepted, rejected);
          }
          var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          // a timeout (ours or the producer's) or another passing Kafka trouble: Kafka is away for now
          if (!(cause instanceof TimeoutException || cause instanceof RetriableException)) {
            throw error instanceof CompletionException c ? c : new CompletionException(cause);
          }
          log.warn("Kafka did not acknowledge {} events on {}: {}", accepted, kafka.topic(), cause.toString());
          return new Unavailable("Kafka did not acknowledge the " + accepted + " valid events within "
              + kafka.produceTimeout().toSeconds() + " s: none is accepted, "
              + "some may be written; send the request again, an event written twice counts once");
        });
  }

  /** An item's {@code field} set to {@code value} when missing; a reason when it names another. */
  private static List<String> bound(JsonNode item, String field, String value, String what) {
    if (value == null || !item.isObject()) return List.of();
    var given = item.get(field);
    if (given == null || given.isNull()) {
      ((ObjectNode) item).put(field, value);
      return List.of();
    }
    if (!given.asText().equals(value)) {
      return List.of(field + ": must be '" + value + "' (" + what + "), got '" + given.asText() + "'");
    }
    return List.of();
  }

  /** An item's bytes as they go on the topic (or to the dead letters). */
  private static byte[] toBytes(JsonNode item) {
    try {
      return Json.MAPPER.writeValueAsBytes(item);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree always serializes", e);
    }
  }

  private static CompletionStage<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }
}
