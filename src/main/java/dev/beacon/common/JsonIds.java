package dev.beacon.common;

import com.fasterxml.jackson.databind.JsonNode;

/** The one check of an id given in a request body (a campaign, an organisation, an arm, a decision). */
public final class JsonIds {
  private JsonIds() {}

  /** Why {@code node} is not an id (a string, not blank, at most {@code maxLength} characters, no control characters), or null. */
  public static String problem(JsonNode node, int maxLength) {
    if (!node.isTextual()) return "must be a string";
    var text = node.asText();
    if (text.isBlank()) return "must not be blank";
    if (text.length() > maxLength) return "longer than " + maxLength + " characters";
    if (text.chars().anyMatch(Character::isISOControl)) return "contains control characters";
    return null;
  }
}
