package dev.beacon.backfill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import dev.beacon.common.JsonInput;
import dev.beacon.event.EventParser;
import dev.beacon.event.EventSettings;
import dev.beacon.event.Origin;
import dev.beacon.ingest.EventProducer;
import dev.beacon.ingest.ImportMark;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An import of GA4 BigQuery export rows, one JSON row per line: each row is checked as an
 * {@link Origin#IMPORT import} (every rule but the retention window, so it keeps its
 * real time), and a valid one is written to the events topic keyed by its user, with the
 * {@link ImportMark}; the ingest stream then applies it like any other event. A refused row is
 * reported with its line number and reasons, and the rest go on. The organisation, when given,
 * replaces the rows' own ({@code organizationId}, else {@code stream_id}).
 *
 * <p>The rows keep their content, so each gets the event id it would get any other time (the
 * SHA-256 of organisation, user, name, time, campaign, value and session): importing the same
 * file twice writes the same events twice, and the journeys' dedup window counts them once.
 * At most {@code maxInFlight} writes await Kafka's acknowledgement at once, so memory stays
 * bounded whatever the file's size; the first write Kafka refuses stops the import.
 */
final class Ga4Import {
  private final EventParser parser;
  private final EventSettings settings;
  private final EventProducer producer;
  private final String topic;
  private final String organizationId;
  private final Semaphore inFlight;
  private final int maxInFlight;
  private final Clock clock;
  private final JsonInput rows;
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong produced = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong outOfOrder = new AtomicLong();
  private final long latenessMillis;
  private long latestMillis = Long.MIN_VALUE;
  private final AtomicReference<Throwable> kafkaError = new AtomicReference<>();

  /** Told of each refused row, in line order, from the thread that runs the import. */
  interface Refusals {
    void refused(long line, List<String> reasons);
  }

  /**
   * What an import came to: rows read (non-blank lines), written to Kafka and acknowledged,
   * refused; and rows written more than the journeys' allowed lateness earlier than a row before
   * them in the file, which their user's journey may take as too late (the campaigns count them
   * all the same).
   */
  record Counts(long read, long produced, long refused, long outOfOrder) {}

  /** Kafka did not acknowledge a write: the import stopped there. */
  static final class KafkaFailure extends Exception {
    KafkaFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** {@code organizationId}: the organisation of every row, or null to keep the rows' own. */
  Ga4Import(EventSettings settings, EventProducer producer, String topic, String organizationId, int maxInFlight,
      java.time.Duration allowedLateness, Clock clock) {
    this.latenessMillis = allowedLateness.toMillis();
    this.parser = new EventParser(settings, clock);
    this.settings = settings;
    this.producer = producer;
    this.topic = topic;
    this.organizationId = organizationId;
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
    this.clock = clock;
    this.rows = new JsonInput(settings.maxDepth(), settings.maxEventBytes(), settings.maxEventBytes(), true);
  }

  /** What rows out of order mean, for the answer and the command's summary. */
  static String outOfOrder(long rows, java.time.Duration lateness) {
    return rows + " rows are more than " + lateness.toHours() + " h (the journeys' allowed lateness) earlier than a row before them: "
        + "campaigns count them, journeys may take them as too late (status tooLateForJourneys); sort the file by "
        + "event_timestamp for journeys to see every row";
  }

  /** Why {@code organizationId} cannot name an organisation, or null when it can. */
  static String checkOrganization(String organizationId, EventSettings settings) {
    var pattern = settings.organizationIdPattern();
    return pattern.matcher(organizationId).matches() ? null : "must match " + pattern.pattern();
  }

  /**
   * Reads every line and writes the valid rows; returns once Kafka acknowledged each write.
   * Throws what reading throws ({@link NdjsonLines.TooLarge} among it) and {@link KafkaFailure};
   * either way the rows before were written, and importing them again counts them once.
   */
  Counts run(NdjsonLines lines, Refusals refusals) throws IOException, KafkaFailure, InterruptedException {
    try {
      NdjsonLines.Line line;
      while ((line = lines.next()) != null) {
        read.incrementAndGet();
        var reasons = offer(line);
        if (!reasons.isEmpty()) {
          refused.incrementAndGet();
          refusals.refused(line.number(), reasons);
        }
        if (kafkaError.get() != null) break;
      }
    } finally {
      // every write in flight is acknowledged or failed before the answer
      inFlight.acquire(maxInFlight);
      inFlight.release(maxInFlight);
    }
    var error = kafkaError.get();
    if (error != null) {
      throw new KafkaFailure("Kafka did not acknowledge a row on " + topic + " (" + error + "); "
          + produced.get() + " rows were written before: importing the file again counts each row once", error);
    }
    return counts();
  }

  /** The counts so far, for a progress line. */
  Counts counts() {
    return new Counts(read.get(), produced.get(), refused.get(), outOfOrder.get());
  }

  /** Writes the row, or says why not. */
  private List<String> offer(NdjsonLines.Line line) throws InterruptedException {
    if (line.tooLong()) return List.of("row: longer than " + settings.maxEventBytes() + " bytes");
    var bytes = line.bytes();
    if (organizationId != null) {
      try {
        var row = rows.read(bytes);
        if (row == null || !row.isObject()) return List.of("row: must be a JSON object");
        ((ObjectNode) row).put("organizationId", organizationId);
        bytes = Json.MAPPER.writeValueAsBytes(row);
      } catch (JsonInput.Unreadable e) {
        return List.of(e.reason());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a parsed JSON tree always serializes", e);
      }
    }
    var nowMillis = clock.millis();
    var parsed = parser.parse(bytes, Instant.ofEpochMilli(nowMillis), Origin.IMPORT);
    if (parsed instanceof EventParser.Invalid invalid) return invalid.reasons();
    var event = ((EventParser.Valid) parsed).event();
    if (!EventParser.GA4.equals(event.format())) {
      return List.of("row: not a GA4 export row (event_name, event_timestamp, user_pseudo_id, …)");
    }
    // Journeys put a user's events in event-time order within the allowed lateness: a file sorted
    // by time (BigQuery: ORDER BY event_timestamp) is always within it. Counted over the whole
    // file, not per user, so the count is an upper bound of what journeys will find too late.
    var at = event.timestamp().toEpochMilli();
    if (latestMillis != Long.MIN_VALUE && at < latestMillis - latenessMillis) outOfOrder.incrementAndGet();
    latestMillis = Math.max(latestMillis, at);
    // Stamped with the time of the import, not the event's: the broker's retention reads record
    // times, and would delete records stamped months ago at once.
    var record = ImportMark.mark(new ProducerRecord<>(topic, null, nowMillis, event.partitionKey(), bytes));
    inFlight.acquire();
    producer.send(record).whenComplete((metadata, error) -> {
      if (error == null) produced.incrementAndGet();
      else kafkaError.compareAndSet(null, error);
      inFlight.release();
    });
    return List.of();
  }
}
