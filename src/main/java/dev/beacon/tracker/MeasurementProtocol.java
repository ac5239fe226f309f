package dev.beacon.tracker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import dev.beacon.common.JsonInput;
import dev.beacon.event.EventIds;
import dev.beacon.tracker.ValidationMessage.Code;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * GA4 Measurement Protocol requests made into GA4 BigQuery export rows, so that an event sent
 * this way is read by the same parser as an exported one (same channel rules, same sessions):
 * {@code client_id} or {@code app_instance_id} is the {@code user_pseudo_id}, {@code session_id}
 * the {@code ga_session_id}, params become {@code event_params}, {@code consent.ad_personalization}
 * (or {@code non_personalized_ads}) the {@code privacy_info.ads_storage}. The event time is the
 * event's {@code timestamp_micros}, else the request's, else when Beacon received it.
 *
 * <p>Each row carries its own {@code event_id}: the SHA-256 of the organisation, the user's ids,
 * the event time, the event's index in the request and its JSON with keys sorted. So a request
 * sent again (same body) gives the same ids and counts once, while two identical events of one
 * request, which the export row's canonical id would merge, stay two. Without a timestamp the
 * receive time is in the id, and a retry counts again, as in GA4.
 */
final class MeasurementProtocol {
  /** How far back GA4 takes an event's time. */
  static final Duration MAX_AGE = Duration.ofHours(72);
  /** Bodies within GA4's size; a key twice in one object is refused (GA4's NAME_DUPLICATED), not merged. */
  private static final JsonInput BODIES = new JsonInput(16, MeasurementProtocolRules.MAX_BODY_BYTES,
      MeasurementProtocolRules.MAX_BODY_BYTES, true);
  private static final ObjectWriter CANONICAL = Json.MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);
  private final Duration maxFuture;

  /** {@code maxFuture}: how far ahead an event time may be (Beacon's {@code beacon.events.max-future}). */
  MeasurementProtocol(Duration maxFuture) {
    this.maxFuture = maxFuture;
  }

  /**
   * One event of a request: the row it maps to when it passed GA4's rules, else its messages and,
   * to dead-letter, the request with this event alone.
   */
  record Item(ObjectNode json, List<ValidationMessage> messages) {}

  /** A request: messages about it as a whole (then it has no items), else one item per event. */
  record Translation(List<ValidationMessage> messages, List<Item> items) {}

  /**
   * A request body as sent, of at most {@link MeasurementProtocolRules#MAX_BODY_BYTES} (the route
   * answers a larger one). {@code organizationId}: whose events these are; null when neither the
   * key nor measurement_id says.
   */
  Translation translate(byte[] body, String organizationId, Instant receivedAt) {
    try {
      return translate(BODIES.read(body), organizationId, receivedAt);
    } catch (JsonInput.Unreadable e) {
      var reason = e.reason();
      var colon = reason.indexOf(": ");
      var code = reason.contains("duplicate key") ? Code.NAME_DUPLICATED : Code.VALUE_INVALID;
      return new Translation(List.of(new ValidationMessage(reason.substring(0, colon), reason.substring(colon + 2), code)),
          List.of());
    }
  }

  /** What a body over GA4's 130 kB gets. */
  static ValidationMessage tooLarge(long bytes) {
    return new ValidationMessage("body", "The body is " + bytes + " bytes, at most " + MeasurementProtocolRules.MAX_BODY_BYTES
        + " (130 kB)", Code.VALUE_OUT_OF_BOUNDS);
  }

  Translation translate(JsonNode body, String organizationId, Instant receivedAt) {
    var messages = new ArrayList<ValidationMessage>();
    if (body == null || !body.isObject()) {
      return new Translation(List.of(new ValidationMessage("body", "The body must be a JSON object", Code.VALUE_INVALID)), List.of());
    }
    if (organizationId == null) {
      messages.add(new ValidationMessage("measurement_id", "With the admin key, measurement_id (or firebase_app_id) "
          + "names the organization the events are for", Code.VALUE_REQUIRED));
    }
    MeasurementProtocolRules.request(body, messages);
    if (!messages.isEmpty()) return new Translation(messages, List.of());

    var items = new ArrayList<Item>();
    var events = body.get("events");
    for (int i = 0; i < events.size(); i++) {
      var event = events.get(i);
      var eventMessages = new ArrayList<ValidationMessage>();
      MeasurementProtocolRules.event(i, event, eventMessages);
      if (eventMessages.isEmpty()) {
        var micros = eventMicros(body, event, receivedAt, i, eventMessages);
        if (eventMessages.isEmpty()) {
          items.add(new Item(row(body, event, i, micros, organizationId), List.of()));
          continue;
        }
      }
      var alone = ((ObjectNode) body).deepCopy();
      alone.putArray("events").add(event);
      items.add(new Item(alone, List.copyOf(eventMessages)));
    }
    return new Translation(List.of(), items);
  }

  /** The event's time in µs, with a message when GA4 would not take it (more than 72 h back) or Beacon (too far ahead). */
  private long eventMicros(JsonNode body, JsonNode event, Instant receivedAt, int index, List<ValidationMessage> out) {
    var received = receivedAt.getEpochSecond() * 1_000_000L + receivedAt.getNano() / 1_000;
    String path;
    long micros;
    if (event.hasNonNull("timestamp_micros")) {
      path = "events[" + index + "].timestamp_micros";
      micros = event.get("timestamp_micros").asLong();
    } else if (body.hasNonNull("timestamp_micros")) {
      path = "timestamp_micros";
      micros = body.get("timestamp_micros").asLong();
    } else {
      return received;
    }
    var at = "Event at index: [" + index + "]";
    if (micros < received - MAX_AGE.toNanos() / 1_000) {
      out.add(new ValidationMessage(path, at + " is more than " + MAX_AGE.toHours() + " hours in the past",
          Code.VALUE_OUT_OF_BOUNDS));
    } else if (micros > received + maxFuture.toNanos() / 1_000) {
      out.add(new ValidationMessage(path, at + " is more than " + maxFuture.toSeconds() + " s in the future",
          Code.VALUE_OUT_OF_BOUNDS));
    }
    return micros;
  }

  /** The GA4 export row of event {@code index}, which passed GA4's rules. */
  private static ObjectNode row(JsonNode body, JsonNode event, int index, long micros, String organizationId) {
    var pseudoId = body.hasNonNull("client_id") ? body.get("client_id").asText() : body.get("app_instance_id").asText();
    var userId = body.hasNonNull("user_id") ? body.get("user_id").asText() : null;
    var row = Json.MAPPER.createObjectNode();
    row.put("event_id", EventIds.of(organizationId, pseudoId, userId, Long.toString(micros), Integer.toString(index),
        canonical(event)));
    row.put("event_name", event.get("name").asText());
    row.put("event_timestamp", micros);
    row.put("user_pseudo_id", pseudoId);
    if (userId != null) row.put("user_id", userId);
    row.put("organizationId", organizationId);
    row.put("platform", body.hasNonNull("client_id") ? "WEB" : "APP");
    var params = row.putArray("event_params");
    var given = event.get("params");
    if (given != null && given.isObject()) {
      given.fields().forEachRemaining(param -> {
        if (param.getValue().isNull()) return;
        if (param.getKey().equals("items")) {
          row.set("items", param.getValue());
        } else {
          var key = param.getKey().equals("session_id") ? "ga_session_id" : param.getKey();
          params.addObject().put("key", key).set("value", typed(param.getValue()));
        }
      });
    }
    var properties = body.get("user_properties");
    if (properties != null && properties.isObject()) {
      var exported = row.putArray("user_properties");
      properties.fields().forEachRemaining(property -> {
        var value = typed(property.getValue().get("value"));
        var set = property.getValue().get("timestamp_micros");
        value.put("set_timestamp_micros", set == null || set.isNull() ? micros : set.asLong());
        exported.addObject().put("key", property.getKey()).set("value", value);
      });
    }
    var adsStorage = adsStorage(body);
    if (adsStorage != null) row.putObject("privacy_info").put("ads_storage", adsStorage);
    device(body, row);
    return row;
  }

  /** A param value as the export holds it: {@code string_value}, {@code int_value} or {@code double_value}. */
  private static ObjectNode typed(JsonNode value) {
    var typed = Json.MAPPER.createObjectNode();
    if (value.isIntegralNumber()) typed.set("int_value", value);
    else if (value.isNumber()) typed.set("double_value", value);
    else typed.put("string_value", value.asText());
    return typed;
  }

  /** {@code consent.ad_personalization} as the export words it; {@code non_personalized_ads: true} says no. */
  private static String adsStorage(JsonNode body) {
    var choice = body.path("consent").path("ad_personalization").asText("");
    if (choice.equals("GRANTED")) return "Yes";
    if (choice.equals("DENIED") || body.path("non_personalized_ads").asBoolean(false)) return "No";
    return null;
  }

  /** {@code device.category} and {@code user_location} (city, country_id), where the export has them. */
  private static void device(JsonNode body, ObjectNode row) {
    var category = body.path("device").path("category");
    if (category.isTextual()) row.putObject("device").put("category", category.asText());
    var location = body.path("user_location");
    if (location.path("city").isTextual() || location.path("country_id").isTextual()) {
      var geo = row.putObject("geo");
      if (location.path("city").isTextual()) geo.put("city", location.get("city").asText());
      if (location.path("country_id").isTextual()) geo.put("country", location.get("country_id").asText());
    }
  }

  /** The event as JSON with every object's keys sorted: the same event written another way gets the same id. */
  static String canonical(JsonNode event) {
    try {
      return CANONICAL.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree always serializes", e);
    }
  }
}
