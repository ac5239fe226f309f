package dev.beacon.tracker;

import java.util.List;
import java.util.Map;

/**
 * One problem of a Measurement Protocol request, as GA4's validation server words it: the field,
 * what is wrong, and one of GA4's validation codes. The answers of {@code /debug/mp/collect} and
 * the 400 of {@code /mp/collect} list them under {@code validationMessages}; the dead-letter
 * topic gets each as the reason {@code "fieldPath: description"}.
 */
record ValidationMessage(String fieldPath, String description, Code validationCode) {
  /** GA4's validation codes, those Beacon's rules give. */
  enum Code { VALUE_INVALID, VALUE_REQUIRED, NAME_INVALID, NAME_RESERVED, VALUE_OUT_OF_BOUNDS, EXCEED_MAX_ENTITIES, NAME_DUPLICATED }

  /** The body of an answer: {@code {"validationMessages": [...]}}. */
  record Answer(List<ValidationMessage> validationMessages) {}

  /** GA4 export row fields, as Beacon's parser names them, and the request fields they were made from. */
  private static final Map<String, String> REQUEST_FIELDS = Map.of(
      "user_pseudo_id", "client_id",
      "user_id", "user_id",
      "organizationId", "measurement_id");

  String reason() {
    return fieldPath + ": " + description;
  }

  /**
   * A reason of Beacon's event parser about the row made from event {@code index}, put in the
   * request's terms: {@code "event_params.value: must be a number"} is about
   * {@code events[0].params.value}.
   */
  static ValidationMessage ofParserReason(int index, String reason) {
    var colon = reason.indexOf(": ");
    var field = colon < 0 ? "" : reason.substring(0, colon);
    var event = "events[" + index + "]";
    String path;
    if (REQUEST_FIELDS.containsKey(field)) path = REQUEST_FIELDS.get(field);
    else if (field.equals("event_name")) path = event + ".name";
    else if (field.equals("event_timestamp")) path = event + ".timestamp_micros";
    else if (field.equals("event_params.ga_session_id")) path = event + ".params.session_id";
    else if (field.startsWith("event_params.")) path = event + ".params." + field.substring("event_params.".length());
    else if (field.startsWith("items")) path = event + ".params." + field;
    else path = null;
    // a reason about no field the request has (the size of the whole row) keeps its own words
    var description = path == null ? reason : reason.substring(colon + 2);
    return new ValidationMessage(path == null ? event : path, "Event at index: [" + index + "]: " + description,
        Code.VALUE_INVALID);
  }
}
