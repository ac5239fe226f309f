package dev.beacon.event;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Settings, a fixed clock and event builders shared by the event-package tests. */
final class EventFixtures {
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  /** What parse stands in for a missing timestamp. */
  static final Instant DEFAULT_TIME = NOW.minusSeconds(30);

  private EventFixtures() {}

  static Config eventsConfig() {
    return ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.events");
  }

  static EventSettings settings() {
    return EventSettings.from(eventsConfig());
  }

  static EventSettings settings(String overrides) {
    return EventSettings.from(ConfigFactory.parseString(overrides).withFallback(eventsConfig()));
  }

  static EventParser parser() {
    return new EventParser(settings(), CLOCK);
  }

  /** A campaign event that passes every rule; tests change one field at a time. */
  static ObjectNode campaignEvent(String type) {
    var event = Json.MAPPER.createObjectNode()
        .put("eventType", type)
        .put("campaignId", "spring-sale")
        .put("organizationId", "acme")
        .put("timestamp", "2024-05-01T11:59:00Z");
    event.putObject("metadata").put("userId", "u-1").put("sessionId", "s-1");
    return event;
  }

  /** A GA4 export row that passes every rule, 10 minutes before {@link #NOW}. */
  static ObjectNode ga4Row(String eventName) {
    var row = Json.MAPPER.createObjectNode()
        .put("event_name", eventName)
        .put("event_timestamp", micros(NOW.minusSeconds(600)))
        .put("user_pseudo_id", "1005694.5834348403")
        .put("stream_id", 2100450278L);
    row.putArray("event_params");
    param(row, "ga_session_id", 4863244888L);
    return row;
  }

  static ObjectNode param(ObjectNode row, String key, String value) {
    paramValue(row, key).put("string_value", value);
    return row;
  }

  static ObjectNode param(ObjectNode row, String key, long value) {
    paramValue(row, key).put("int_value", value);
    return row;
  }

  private static ObjectNode paramValue(ObjectNode row, String key) {
    var param = ((ArrayNode) row.get("event_params")).addObject().put("key", key);
    return param.putObject("value");
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  static byte[] bytes(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static Event valid(EventParser.Parsed parsed) {
    return assertInstanceOf(EventParser.Valid.class, parsed, () -> "expected Valid, got " + parsed).event();
  }

  static List<String> reasons(EventParser.Parsed parsed) {
    return assertInstanceOf(EventParser.Invalid.class, parsed, () -> "expected Invalid, got " + parsed).reasons();
  }
}
