package dev.beacon.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.tracker.ValidationMessage.Code;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * GA4's Measurement Protocol limits and reserved names, as Google documents them ("Send
 * Measurement Protocol events", "Measurement Protocol reference", "User properties"): each
 * check adds a {@link ValidationMessage} with GA4's code. The request's own fields are checked
 * here; the event time, which needs the request and the clock, by {@link MeasurementProtocol}.
 */
final class MeasurementProtocolRules {
  static final int MAX_BODY_BYTES = 130 * 1024;
  static final int MAX_EVENTS = 25;
  static final int MAX_PARAMS = 25;
  static final int MAX_USER_PROPERTIES = 25;
  static final int MAX_EVENT_NAME = 40;
  static final int MAX_PARAM_NAME = 40;
  static final int MAX_PARAM_VALUE = 100;
  static final int MAX_USER_PROPERTY_NAME = 24;
  static final int MAX_USER_PROPERTY_VALUE = 36;
  /** Params whose values GA4 lets run longer than {@link #MAX_PARAM_VALUE}. */
  private static final Map<String, Integer> LONGER_PARAMS = Map.of("page_location", 1000, "page_referrer", 420, "page_title", 300);
  private static final Set<String> RESERVED_EVENTS = Set.of("ad_activeview", "ad_click", "ad_exposure", "ad_query",
      "ad_reward", "adunit_exposure", "app_background", "app_clear_data", "app_exception", "app_remove",
      "app_store_refund", "app_store_subscription_cancel", "app_store_subscription_convert",
      "app_store_subscription_renew", "app_uninstall", "app_update", "app_upgrade", "dynamic_link_app_open",
      "dynamic_link_app_update", "dynamic_link_first_open", "error", "firebase_campaign",
      "firebase_in_app_message_action", "firebase_in_app_message_dismiss", "firebase_in_app_message_impression",
      "first_open", "first_visit", "in_app_purchase", "notification_dismiss", "notification_foreground",
      "notification_open", "notification_receive", "notification_send", "os_update", "session_start",
      "session_start_with_rollout", "user_engagement");
  private static final Set<String> RESERVED_PARAMS = Set.of("firebase_conversion");
  private static final Set<String> RESERVED_USER_PROPERTIES = Set.of("first_open_time", "first_visit_time",
      "last_deep_link_referrer", "user_id", "first_open_after_install");
  private static final List<String> RESERVED_PREFIXES = List.of("google_", "ga_", "firebase_");
  /** A letter first, then letters, digits and underscores (GA4 takes letters of any language). */
  private static final Pattern NAME = Pattern.compile("\\p{L}[\\p{L}\\p{Nd}_]*");
  private static final Set<String> CONSENT_CHOICES = Set.of("GRANTED", "DENIED");

  private MeasurementProtocolRules() {}

  /** The request's own fields: the ids, its time, consent, user properties and the list of events. */
  static void request(JsonNode body, List<ValidationMessage> out) {
    if (!body.hasNonNull("client_id") && !body.hasNonNull("app_instance_id")) {
      out.add(new ValidationMessage("client_id", "client_id (web) or app_instance_id (app) is required", Code.VALUE_REQUIRED));
    }
    for (var field : List.of("client_id", "app_instance_id", "user_id")) {
      var id = body.get(field);
      if (id != null && !id.isNull() && (!id.isTextual() || id.asText().isBlank())) {
        out.add(new ValidationMessage(field, field + " must be a non-empty string", Code.VALUE_INVALID));
      }
    }
    micros(body.get("timestamp_micros"), "timestamp_micros", out);
    var npa = body.get("non_personalized_ads");
    if (npa != null && !npa.isNull() && !npa.isBoolean()) {
      out.add(new ValidationMessage("non_personalized_ads", "non_personalized_ads must be true or false", Code.VALUE_INVALID));
    }
    consent(body.get("consent"), out);
    userProperties(body.get("user_properties"), out);
    var events = body.get("events");
    if (events == null || !events.isArray() || events.isEmpty()) {
      out.add(new ValidationMessage("events", "events must be a non-empty array", Code.VALUE_REQUIRED));
    } else if (events.size() > MAX_EVENTS) {
      out.add(new ValidationMessage("events", "A request may have at most " + MAX_EVENTS + " events, this one has "
          + events.size(), Code.EXCEED_MAX_ENTITIES));
    }
  }

  /** Event {@code index}: its name and params (its time is {@link MeasurementProtocol}'s). */
  static void event(int index, JsonNode event, List<ValidationMessage> out) {
    var path = "events[" + index + "]";
    var at = "Event at index: [" + index + "]";
    if (!event.isObject()) {
      out.add(new ValidationMessage(path, at + " must be an object", Code.VALUE_INVALID));
      return;
    }
    var name = event.get("name");
    if (name == null || name.isNull() || (name.isTextual() && name.asText().isEmpty())) {
      out.add(new ValidationMessage(path + ".name", at + " has no name", Code.VALUE_REQUIRED));
    } else if (!name.isTextual()) {
      out.add(new ValidationMessage(path + ".name", at + ": name must be a string", Code.VALUE_INVALID));
    } else {
      name(name.asText(), path + ".name", at + " has", MAX_EVENT_NAME, RESERVED_EVENTS, out);
    }
    micros(event.get("timestamp_micros"), path + ".timestamp_micros", out);
    var params = event.get("params");
    if (params == null || params.isNull()) return;
    if (!params.isObject()) {
      out.add(new ValidationMessage(path + ".params", at + ": params must be an object", Code.VALUE_INVALID));
      return;
    }
    if (params.size() > MAX_PARAMS) {
      out.add(new ValidationMessage(path + ".params", at + " has " + params.size() + " params, at most " + MAX_PARAMS,
          Code.EXCEED_MAX_ENTITIES));
    }
    params.fields().forEachRemaining(param -> {
      var paramPath = path + ".params." + param.getKey();
      name(param.getKey(), paramPath, at + " has a param with", MAX_PARAM_NAME, RESERVED_PARAMS, out);
      if (param.getKey().equals("items")) {
        items(param.getValue(), paramPath, at, out);
      } else {
        value(param.getValue(), paramPath, at, LONGER_PARAMS.getOrDefault(param.getKey(), MAX_PARAM_VALUE), out);
      }
    });
  }

  /** A name: present, of letters, digits and underscores after a letter, short enough, not reserved. */
  private static void name(String name, String path, String subject, int maxLength, Set<String> reserved,
      List<ValidationMessage> out) {
    if (!NAME.matcher(name).matches()) {
      out.add(new ValidationMessage(path, subject + " invalid name [" + name + "]. Names must start with a letter "
          + "and hold only letters, digits and underscores.", Code.NAME_INVALID));
    } else if (name.length() > maxLength) {
      out.add(new ValidationMessage(path, subject + " name [" + name + "] longer than " + maxLength + " characters.",
          Code.NAME_INVALID));
    } else if (reserved.contains(name) || RESERVED_PREFIXES.stream().anyMatch(name::startsWith)) {
      out.add(new ValidationMessage(path, subject + " reserved name [" + name + "].", Code.NAME_RESERVED));
    }
  }

  /** A param value: a string of at most {@code maxLength} characters, a number or a boolean. */
  private static void value(JsonNode value, String path, String at, int maxLength, List<ValidationMessage> out) {
    if (value.isNull()) return;
    if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
      out.add(new ValidationMessage(path, at + ": a param value must be a string, a number or a boolean", Code.VALUE_INVALID));
    } else if (value.isTextual() && value.asText().length() > maxLength) {
      out.add(new ValidationMessage(path, at + ": the value is " + value.asText().length() + " characters long, at most "
          + maxLength, Code.VALUE_OUT_OF_BOUNDS));
    }
  }

  /** {@code items}: an array of objects, each with an item_id or an item_name, their values as params'. */
  private static void items(JsonNode items, String path, String at, List<ValidationMessage> out) {
    if (!items.isArray()) {
      out.add(new ValidationMessage(path, at + ": items must be an array", Code.VALUE_INVALID));
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      var item = items.get(i);
      var itemPath = path + "[" + i + "]";
      if (!item.isObject()) {
        out.add(new ValidationMessage(itemPath, at + ": an item must be an object", Code.VALUE_INVALID));
        continue;
      }
      if (!item.hasNonNull("item_id") && !item.hasNonNull("item_name")) {
        out.add(new ValidationMessage(itemPath, at + ": an item needs an item_id or an item_name", Code.VALUE_REQUIRED));
      }
      item.fields().forEachRemaining(field -> value(field.getValue(), itemPath + "." + field.getKey(), at, MAX_PARAM_VALUE, out));
    }
  }

  /** {@code {"ad_user_data": "GRANTED"|"DENIED", "ad_personalization": …}}, each optional. */
  private static void consent(JsonNode consent, List<ValidationMessage> out) {
    if (consent == null || consent.isNull()) return;
    if (!consent.isObject()) {
      out.add(new ValidationMessage("consent", "consent must be an object", Code.VALUE_INVALID));
      return;
    }
    for (var purpose : List.of("ad_user_data", "ad_personalization")) {
      var choice = consent.get(purpose);
      if (choice != null && !choice.isNull() && !CONSENT_CHOICES.contains(choice.asText())) {
        out.add(new ValidationMessage("consent." + purpose, purpose + " must be GRANTED or DENIED", Code.VALUE_INVALID));
      }
    }
  }

  /** {@code {name: {"value": …, "timestamp_micros"?: …}}}: at most 25, GA4's names, short values. */
  private static void userProperties(JsonNode properties, List<ValidationMessage> out) {
    if (properties == null || properties.isNull()) return;
    if (!properties.isObject()) {
      out.add(new ValidationMessage("user_properties", "user_properties must be an object", Code.VALUE_INVALID));
      return;
    }
    if (properties.size() > MAX_USER_PROPERTIES) {
      out.add(new ValidationMessage("user_properties", "A request may have at most " + MAX_USER_PROPERTIES
          + " user properties, this one has " + properties.size(), Code.EXCEED_MAX_ENTITIES));
    }
    properties.fields().forEachRemaining(property -> {
      var path = "user_properties." + property.getKey();
      name(property.getKey(), path, "A user property has", MAX_USER_PROPERTY_NAME, RESERVED_USER_PROPERTIES, out);
      var holder = property.getValue();
      var value = holder.isObject() ? holder.get("value") : null;
      if (value == null || value.isNull()) {
        out.add(new ValidationMessage(path + ".value", "A user property needs {\"value\": …}", Code.VALUE_REQUIRED));
      } else if (!value.isTextual() && !value.isNumber()) {
        out.add(new ValidationMessage(path + ".value", "A user property value must be a string or a number", Code.VALUE_INVALID));
      } else if (value.asText().length() > MAX_USER_PROPERTY_VALUE) {
        out.add(new ValidationMessage(path + ".value", "A user property value may have at most " + MAX_USER_PROPERTY_VALUE
            + " characters, this one has " + value.asText().length(), Code.VALUE_OUT_OF_BOUNDS));
      }
      if (holder.isObject()) micros(holder.get("timestamp_micros"), path + ".timestamp_micros", out);
    });
  }

  /** Epoch microseconds: a whole number, when present. */
  private static void micros(JsonNode node, String path, List<ValidationMessage> out) {
    if (node != null && !node.isNull() && !(node.isIntegralNumber() && node.canConvertToLong())) {
      out.add(new ValidationMessage(path, path + " must be a whole number of microseconds since the epoch", Code.VALUE_INVALID));
    }
  }
}
