package dev.beacon.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads typed fields out of a JSON event, adding a field-level reason for each bad one. */
final class Fields {
  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

  private final EventSettings settings;
  private final Clock clock;
  private final Reasons reasons;
  private final Labels labels;
  private final Labels organizations;
  private final Origin origin;

  /**
   * {@code labels} and {@code organizations} are shared by every event a parser reads;
   * {@code origin} says whether the retention window applies to the event's time.
   */
  Fields(EventSettings settings, Clock clock, Reasons reasons, Labels labels, Labels organizations,
      Origin origin) {
    this.settings = settings;
    this.clock = clock;
    this.reasons = reasons;
    this.labels = labels;
    this.organizations = organizations;
    this.origin = origin;
  }

  /** True when the field holds something other than null or blank text. */
  static boolean present(JsonNode parent, String field) {
    var node = parent == null ? null : parent.get(field);
    return node != null && !node.isNull() && !(node.isTextual() && node.asText().isBlank());
  }

  /** True when every listed field is present (not null, not blank); a reason for each missing one. */
  boolean required(JsonNode root, Iterable<String> fields) {
    var ok = true;
    for (var field : fields) {
      if (!present(root, field)) {
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

  /**
   * An identifier of a field with few distinct values (a campaign, an event name, a currency, a
   * source): an {@link #id}, as the one shared instance of its value.
   */
  String label(JsonNode parent, String field, String path) {
    return labels.canonical(id(parent, field, path));
  }

  /** An organisation id: an {@link #id} that also matches the configured pattern; shared like a {@link #label}. */
  String organizationId(JsonNode parent, String field, String path) {
    var value = id(parent, field, path);
    if (value == null) return null;
    var known = organizations.known(value);
    if (known != null) return known;
    var pattern = settings.organizationIdPattern();
    if (!pattern.matcher(value).matches()) {
      reasons.add(path, "must match " + pattern.pattern());
      return value;
    }
    return organizations.canonical(value);
  }

  /**
   * The event time, refused when further ahead than max-future or, unless the event is an
   * import of history (which keeps its real time), older than max-age.
   */
  Instant withinWindow(Instant timestamp, String path) {
    if (timestamp == null) return null;
    var now = clock.instant();
    if (timestamp.isAfter(now.plus(settings.maxFuture()))) {
      reasons.add(path, "more than " + settings.maxFuture().toSeconds() + " s in the future");
    }
    if (origin == Origin.LIVE && timestamp.isBefore(now.minus(settings.maxAge()))) {
      reasons.add(path, "older than the retention window of " + settings.maxAge().toDays() + " days");
    }
    return timestamp;
  }

  /**
   * A consent choice: {@code true} / {@code false}, or the words GA4 and consent tools use
   * ({@code granted} / {@code denied}, {@code Yes} / {@code No}, any case); null when absent
   * (nothing said). GA4's export writes {@code Unset} for a choice not made.
   */
  Boolean consentChoice(JsonNode parent, String field, String path) {
    var node = parent == null ? null : parent.get(field);
    if (node == null || node.isNull()) return null;
    if (node.isBoolean()) return node.booleanValue();
    if (node.isTextual()) {
      switch (node.asText().trim().toLowerCase(java.util.Locale.ROOT)) {
        case "granted", "yes", "true" -> {
          return true;
        }
        case "denied", "no", "false" -> {
          return false;
        }
        case "unset", "" -> {
          return null;
        }
        default -> { }
      }
    }
    reasons.add(path, "must be true, false, \"granted\" or \"denied\"");
    return null;
  }

  /** An IP address literal (IPv4 dotted or IPv6), never a host name: nothing here looks a name up. */
  String ipAddress(JsonNode parent, String field, String path) {
    var value = id(parent, field, path);
    if (value == null) return null;
    var parsed = value.indexOf(':') >= 0 ? ipv6(value) : ipv4(value);
    if (parsed == null) reasons.add(path, "must be an IPv4 or IPv6 address");
    return parsed;
  }

  private static String ipv4(String value) {
    var parts = value.split("\\.", -1);
    if (parts.length != 4) return null;
    for (var part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) || Integer.parseInt(part) > 255) {
        return null;
      }
    }
    return value;
  }

  private static String ipv6(String value) {
    if (!value.matches("[0-9A-Fa-f:.]{2,45}")) return null;
    try {
      // with a colon the JDK parses an IPv6 literal and never resolves a name
      return java.net.InetAddress.getByName(value).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return null;
    }
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
      amount = finiteDecimal(node);
      if (amount == null) {
        reasons.add(path, "must be a finite number");
        return 0;
      }
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
      if (!node.canConvertToLong()) {
        reasons.add(path, "too large");
        return 0;
      }
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
    var seconds = finiteDecimal(node);
    if (seconds == null) {
      reasons.add(path, "must be a finite number of seconds");
      return 0;
    }
    if (seconds.signum() < 0) {
      reasons.add(path, "must not be negative");
      return 0;
    }
    var millis = seconds.movePointRight(3);
    // compare before converting: longValue() wraps silently and is slow on extreme exponents
    if (millis.compareTo(BigDecimal.ONE) < 0) return 0;
    if (millis.compareTo(MAX_LONG) > 0) {
      reasons.add(path, "too large");
      return 0;
    }
    return millis.longValue();
  }

  /** The exact value of a number node, or null for the infinities and NaN a double can hold. */
  private static BigDecimal finiteDecimal(JsonNode node) {
    if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) return null;
    return node.decimalValue();
  }

  /** ISO-8601 text or epoch milliseconds; the default when absent. */
  Instant timestamp(JsonNode node, String path, Instant defaultTime) {
    if (node == null || node.isNull()) return defaultTime;
    if (node.isIntegralNumber() && node.canConvertToLong()) return Instant.ofEpochMilli(node.asLong());
    if (node.isTextual()) {
      var text = node.asText().trim();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        try {
          return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e2) {
          if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
            try {
              return Instant.ofEpochMilli(Long.parseLong(text));
            } catch (NumberFormatException tooLong) {
              // beyond a long: falls through to the reason below
            }
          }
        }
      }
    }
    reasons.add(path, "must be ISO-8601 text or epoch milliseconds");
    return null;
  }

  /** Epoch microseconds (GA4's {@code event_timestamp}), as a number or numeric string. */
  Instant epochMicros(JsonNode node, String path) {
    if (node != null && ((node.isIntegralNumber() && node.canConvertToLong()) || node.isTextual())) {
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
