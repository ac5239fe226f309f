package dev.beacon.bandit.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.JsonIds;
import dev.beacon.common.JsonInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the records of the interactions topic: the old learner's interaction, {@code {"modelId",
 * "features": [numbers], "action": arm id or 0-based arm index, "reward"}}, or a reward of a
 * logged decision, {@code {"modelId", "decisionId", "reward"}}; without modelId, the default
 * model's. Each record gives its {@link Interaction} or every reason it cannot be one. Other
 * fields are ignored (the old topic's records may carry more). What needs the model (its
 * dimension, its arms, its decisions, the range of values) the model checks; NaN and Infinity, as
 * Python writes them, are read as numbers for the model to refuse by field. Thread-safe.
 */
final class InteractionRecords {
  private static final int MAX_RECORD_BYTES = 64 * 1024;
  private final JsonInput input = new JsonInput(4, 1024, MAX_RECORD_BYTES, true, true);
  private final Optional<String> defaultModel;

  InteractionRecords(Optional<String> defaultModel) {
    this.defaultModel = defaultModel;
  }

  /** What one record is. */
  sealed interface Parsed permits Read, Unreadable {}

  record Read(String modelId, Interaction interaction) implements Parsed {}

  record Unreadable(List<String> reasons) implements Parsed {
    Unreadable {
      reasons = List.copyOf(reasons);
    }
  }

  /** The record at {@code offset} of {@code partition} (the topic partition as Kafka names it). */
  Parsed parse(byte[] value, String partition, long offset) {
    if (value == null || value.length == 0) return new Unreadable(List.of("record: empty"));
    if (value.length > MAX_RECORD_BYTES) return new Unreadable(List.of("record: larger than " + MAX_RECORD_BYTES + " bytes"));
    JsonNode root;
    try {
      root = input.read(value);
    } catch (JsonInput.Unreadable e) {
      return new Unreadable(List.of(e.reason().replaceFirst("^body", "record")));
    }
    if (root == null || !root.isObject()) return new Unreadable(List.of("record: must be a JSON object"));
    var reasons = new ArrayList<String>();
    var modelId = modelId(root.get("modelId"), reasons);
    var reward = reward(root.get("reward"), reasons);
    Interaction interaction;
    if (present(root.get("decisionId"))) {
      if (present(root.get("features")) || present(root.get("action"))) {
        reasons.add("decisionId: a record rewards a decision (modelId, decisionId, reward) or is an interaction "
            + "(modelId, features, action, reward), not both");
      }
      var decisionId = id(root.get("decisionId"), "decisionId", reasons);
      interaction = new Interaction.DecisionReward(partition, offset, decisionId, reward);
    } else {
      var features = features(root.get("features"), reasons);
      var action = root.get("action");
      String arm = null;
      var armIndex = -1;
      if (!present(action)) {
        reasons.add("action: required, the arm shown (its id, or its 0-based index in the model's arms)");
      } else if (action.isIntegralNumber() && action.canConvertToInt() && action.asInt() >= 0) {
        armIndex = action.asInt();
      } else if (action.isTextual()) {
        arm = id(action, "action", reasons);
      } else {
        reasons.add("action: must be an arm id or a 0-based arm index, got " + action);
      }
      interaction = new Interaction.Shown(partition, offset, features, arm, armIndex, reward);
    }
    return reasons.isEmpty() ? new Read(modelId, interaction) : new Unreadable(reasons);
  }

  private String modelId(JsonNode node, List<String> reasons) {
    if (present(node)) return id(node, "modelId", reasons);
    if (defaultModel.isPresent()) return defaultModel.get();
    reasons.add("modelId: required (no beacon.bandit.interactions-default-model is set)");
    return null;
  }

  private static double reward(JsonNode node, List<String> reasons) {
    if (!present(node)) {
      reasons.add("reward: required, a number");
      return 0;
    }
    if (!node.isNumber()) {
      reasons.add("reward: must be a number, got " + node);
      return 0;
    }
    return node.asDouble();
  }

  private static double[] features(JsonNode node, List<String> reasons) {
    if (!present(node)) {
      reasons.add("features: required, an array of numbers (as many as the model's dimension)");
      return null;
    }
    if (!node.isArray() || node.size() > ModelChecks.MAX_DIMENSION) {
      reasons.add("features: must be an array of at most " + ModelChecks.MAX_DIMENSION + " numbers");
      return null;
    }
    var features = new double[node.size()];
    for (var i = 0; i < features.length; i++) {
      var value = node.get(i);
      if (value.isNumber()) features[i] = value.asDouble();
      else reasons.add("features[" + i + "]: must be a number, got " + value);
    }
    return features;
  }

  private static String id(JsonNode node, String field, List<String> reasons) {
    var problem = JsonIds.problem(node, ModelRequests.MAX_ID_LENGTH);
    if (problem == null) return node.asText();
    reasons.add(field + ": " + problem);
    return null;
  }

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull();
  }
}
