package dev.beacon.simulate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Moves the rows of a GA4 export in time for a replay: the first row happens at {@code start},
 * every later row keeps its distance from the first divided by {@code speed} (nudged by a
 * microsecond where a speed-up would merge two distinct times), and every row is given the
 * replay's organisation. Row by row and stateful (the first row sets the origin), so
 * one instance serves one replay, in file order.
 */
final class ReplayRows {
  private static final DateTimeFormatter EVENT_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private final String organizationId;
  private final long startMicros;
  private final double speed;
  private Long originMicros;
  private Long lastOriginal;
  private long lastShifted;

  ReplayRows(String organizationId, Instant start, double speed) {
    if (!(speed > 0)) throw new IllegalArgumentException("speed must be positive");
    this.organizationId = organizationId;
    this.startMicros = micros(start);
    this.speed = speed;
  }

  /** What one line of the file came to. */
  sealed interface Shifted permits Row, Skipped {}

  record Row(SimulatedEvent event) implements Shifted {}

  record Skipped(String reason) implements Shifted {}

  Shifted shift(String line) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (JacksonException e) {
      return new Skipped("not JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode row)) return new Skipped("not a JSON object");
    var timestamp = micros(row.get("event_timestamp"));
    if (timestamp == null) return new Skipped("event_timestamp: not epoch microseconds");
    if (originMicros == null) originMicros = timestamp;
    var shifted = shifted(timestamp);
    // sped up, rows less than `speed` µs apart would land on one µs, and Beacon would take two
    // such rows of one user for a retry of the same event: distinct rows stay distinct, in order
    if (lastOriginal != null && timestamp > lastOriginal && shifted <= lastShifted) shifted = lastShifted + 1;
    if (lastOriginal != null && timestamp == lastOriginal.longValue()) shifted = lastShifted;
    lastOriginal = timestamp;
    lastShifted = shifted;
    row.put("event_timestamp", shifted);
    row.put("event_date", EVENT_DATE.format(instant(shifted)));
    for (var field : new String[] {"user_first_touch_timestamp", "event_previous_timestamp"}) {
      var value = micros(row.get(field));
      if (value != null) row.put(field, shifted(value));
    }
    row.put("organizationId", organizationId);
    var user = text(row, "user_pseudo_id");
    if (user == null) user = text(row, "user_id");
    var key = user == null ? organizationId : organizationId + "|" + user;
    return new Row(new SimulatedEvent(key, EventWriter.bytes(row), instant(shifted)));
  }

  private long shifted(long micros) {
    var offset = micros - originMicros;
    return startMicros + (speed == 1.0 ? offset : Math.round(offset / speed));
  }

  private static String text(JsonNode row, String field) {
    var node = row.get(field);
    return node == null || node.isNull() || node.asText().isBlank() ? null : node.asText();
  }

  private static Long micros(JsonNode node) {
    if (node == null) return null;
    if (node.isIntegralNumber() && node.canConvertToLong()) return node.asLong();
    if (node.isTextual()) {
      try {
        return Long.parseLong(node.asText().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
