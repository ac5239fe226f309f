package dev.beacon.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads typed fields out of a JSON event, adding a field-level reason for each bad one. */
final class Fields {
  private final EventSettings settings;
  private final Reasons reasons;

  Fields(EventSettings settings, Reasons reasons) {
    this.settings = settings;
    this.reasons = reasons;
  }

  /** True when every listed field is present and not null; a reason for each missing one. */
  boolean required(JsonNode root, Iterable<String> fields) {
    var ok = true;
    for (var field : fields) {
      var node = root.get(field);
      if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
        reasons.add(field, "required");
        ok = false;
      }
    }
    return ok;
  }

  /** An identifier: a string (or number, kept as its text), short and free of control characters. */
  String id(JsonNode parent, String field, String path) {
    return string(parent, field, path, settings.maxIdLength());
  }

  /** Free text such as a URL or user agent, up to the text limit. */
  String text(JsonNode parent, String field, String path) {
    return string(parent, field, path, settings.maxTextLength());
  }

  private String string(JsonNode parent, String field, String path, int maxLength) {
    var node = parent == null ? null : parent.get(field);
    if (node == null || node.isNull()) return null;
    if (!node.isTextual() && !node.isNumber()) {
      reasons.add(path, "must be a string");
      return null;
    }
    var value = node.asText();
    if (value.length() > maxLength) {
      reasons.add(path, "longer than " + maxLength + " characters");
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        reasons.add(path, "contains control characters");
        return null;
      }
    }
    return value.isBlank() ? null : value;
  }

  /** A money amount in micros: a number or numeric string, not negative, not above the limit. */
  long micros(JsonNode node, String path) {
    if (node == null || node.isNull()) return 0;
    BigDecimal amount;
    if (node.isNumber()) {
      amount = node.decimalValue();
    } else if (node.isTextual()) {
      try {
        amount = new BigDecimal(node.asText().trim());
      } catch (NumberFormatException e) {
        reasons.add(path, "must be a number");
        return 0;
      }
    } else {
      reasons.add(path, "must be a number");
      return 0;
    }
    if (amount.signum() < 0) {
      reasons.add(path, "must not be negative");
      return 0;
    }
    if (amount.compareTo(settings.maxValue()) > 0) {
      reasons.add(path, "must not exceed " + settings.maxValue().toPlainString());
      return 0;
    }
    return Money.toMicros(amount);
  }

  /** A whole non-negative number, or 0 when absent. */
  long count(JsonNode node, String path) {
    if (node == null || node.isNull()) return 0;
    if (node.isIntegralNumber() || (node.isNumber() && node.asDouble() == Math.rint(node.asDouble()))) {
      if (node.asLong() < 0) reasons.add(path, "must not be negative");
      return Math.max(0, node.asLong());
    }
    if (node.isTextual()) {
      try {
        var value = Long.parseLong(node.asText().trim());
        if (value < 0) reasons.add(path, "must not be negative");
        return Math.max(0, value);
      } catch (NumberFormatException e) {
        // falls through to the reason below
      }
    }
    reasons.add(path, "must be a whole number");
    return 0;
  }

  /** Seconds as a number (fractions allowed), returned as milliseconds. */
  long secondsAsMillis(JsonNode node, String path) {
    if (node == null || node.isNull()) return 0;
    if (!node.isNumber()) {
      reasons.add(path, "must be a number of seconds");
      return 0;
    }
    var seconds = node.decimalValue();
    if (seconds.signum() < 0) {
      reasons.add(path, "must not be negative");
      return 0;
    }
    return seconds.movePointRight(3).longValue();
  }

  /** ISO-8601 text or epoch milliseconds; the default when absent. */
  Instant timestamp(JsonNode node, String path, Instant defaultTime) {
    if (node == null || node.isNull()) return defaultTime;
    if (node.isIntegralNumber()) return Instant.ofEpochMilli(node.asLong());
    if (node.isTextual()) {
      var text = node.asText().trim();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        try {
          return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e2) {
          if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
            return Instant.ofEpochMilli(Long.parseLong(text));
          }
        }
      }
    }
    reasons.add(path, "must be ISO-8601 text or epoch milliseconds");
    return null;
  }

  /** Epoch microseconds (GA4's {@code event_timestamp}), as a number or numeric string. */
  Instant epochMicros(JsonNode node, String path) {
    if (node != null && (node.isIntegralNumber() || node.isTextual())) {
      try {
        var micros = node.isIntegralNumber() ? node.asLong() : Long.parseLong(node.asText().trim());
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
      } catch (NumberFormatException e) {
        // falls through to the reason below
      }
    }
    reasons.add(path, "must be epoch microseconds");
    return null;
  }
}
