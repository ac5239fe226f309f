package dev.beacon.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.JsonInput;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Bytes or JSON in, one normalised {@link Event} or field-level reasons out: size and JSON
 * limits, wire-format detection, the format's own reading, then the rules every event obeys
 * (organisation id, time range). Thread-safe; one instance serves HTTP intake and the stream.
 */
public final class EventParser {
  /** The {@link Event#format()} of GA4 BigQuery export rows. */
  public static final String GA4 = Ga4RowFormat.NAME;
  /**
   * The field in which a tracker route (Segment's, the Measurement Protocol's) gives the journey
   * it resolved an event's ids to: the event's user, before the ids the format names.
   */
  public static final String JOURNEY_USER = "beaconUserId";
  private final EventSettings settings;
  private final Clock clock;
  private final JsonInput input;
  private final List<WireFormat> formats;
  private final Labels labels = new Labels(100_000);
  private final Labels organizations = new Labels(10_000);

  public EventParser(EventSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    // one record is one event: content after the first JSON value makes the record malformed
    this.input = new JsonInput(settings.maxDepth(), settings.maxEventBytes(), settings.maxEventBytes(), true);
    this.formats = List.of(new CampaignEventFormat(settings), new Ga4RowFormat(settings), new SegmentEventFormat(settings));
  }

  /** What parsing one event gave. */
  public sealed interface Parsed permits Valid, Invalid {}

  public record Valid(Event event) implements Parsed {}

  public record Invalid(List<String> reasons) implements Parsed {}

  /** Parses raw bytes (a Kafka record value) of a live event; {@code defaultTime} stands in for a missing timestamp. */
  public Parsed parse(byte[] bytes, Instant defaultTime) {
    return parse(bytes, defaultTime, Origin.LIVE);
  }

  /** Parses raw bytes of an event of this origin; {@code defaultTime} stands in for a missing timestamp. */
  public Parsed parse(byte[] bytes, Instant defaultTime, Origin origin) {
    if (bytes == null || bytes.length == 0) return new Invalid(List.of("body: empty"));
    if (bytes.length > settings.maxEventBytes()) {
      return new Invalid(List.of("body: event larger than " + settings.maxEventBytes() + " bytes"));
    }
    try {
      return parse(input.read(bytes), defaultTime, origin);
    } catch (JsonInput.Unreadable e) {
      return new Invalid(List.of(e.reason()));
    }
  }

  /** Parses one already-read JSON event, a live one. */
  public Parsed parse(JsonNode root, Instant defaultTime) {
    return parse(root, defaultTime, Origin.LIVE);
  }

  /** Parses one already-read JSON event of this origin. */
  public Parsed parse(JsonNode root, Instant defaultTime, Origin origin) {
    if (root == null || !root.isObject()) return new Invalid(List.of("event: must be a JSON object"));
    WireFormat format = null;
    for (var candidate : formats) {
      if (candidate.recognises(root)) {
        format = candidate;
        break;
      }
    }
    if (format == null) {
      return new Invalid(List.of("event: unknown format (expected a campaign event with eventType, a GA4 row with event_name or a Segment call with type and userId or anonymousId)"));
    }
    var reasons = new Reasons();
    // the rules every event obeys (organisation id, time range) are applied by Fields while the
    // format reads, so that one reply lists every problem of the event, not only the first kind
    var fields = new Fields(settings, clock, reasons, labels, organizations, origin);
    var event = format.read(root, defaultTime, fields, reasons);
    return reasons.isEmpty() ? new Valid(event) : new Invalid(reasons.toList());
  }
}
