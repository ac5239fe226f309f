package dev.beacon.bandit.model;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.beacon.bandit.LinUcbParameters;
import dev.beacon.common.Json;
import dev.beacon.common.JsonIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the bodies of the model routes: each either gives its request or every problem, as
 * {@code "field: reason"}. What needs the model (its dimension, its arms, its checkpoints) the
 * entity checks. Pure functions.
 */
final class ModelRequests {
  static final int MAX_ID_LENGTH = 128;

  private ModelRequests() {}

  /** A request read, or the reasons it could not be. */
  record Checked<T>(T request, List<String> reasons) {
    static <T> Checked<T> of(T request, List<String> reasons) {
      return reasons.isEmpty() ? new Checked<>(request, List.of()) : new Checked<>(null, List.copyOf(reasons));
    }

    boolean valid() {
      return reasons.isEmpty();
    }
  }

  record Configuration(String organizationId, List<String> arms, Integer dimension, Double alpha, Double lambda) {}

  /** Features given (userId then only recorded), or none: the context comes from the user's journey. */
  record Decide(double[] features, String userId, String deviceType, String channel) {
    boolean fromJourney() {
      return features == null;
    }
  }

  record Reward(String decisionId, double reward) {}

  /** {@code {organizationId, arms, dimension?, alpha?, lambda?}}. */
  static Checked<Configuration> configuration(JsonNode body, Pattern organizationIdPattern) {
    var reasons = new ArrayList<String>();
    if (!object(body, Set.of("organizationId", "arms", "dimension", "alpha", "lambda"), reasons)) return Checked.of(null, reasons);
    var organizationId = id(body.get("organizationId"), "organizationId", reasons);
    if (organizationId != null && !organizationIdPattern.matcher(organizationId).matches()) {
      reasons.add("organizationId: must match " + organizationIdPattern.pattern());
    }
    var arms = arms(body.get("arms"), reasons);
    Integer dimension = null;
    var d = body.get("dimension");
    if (present(d)) {
      if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 1 || d.asInt() > ModelChecks.MAX_DIMENSION) {
        reasons.add("dimension: must be a whole number from 1 to " + ModelChecks.MAX_DIMENSION + ", got " + d);
      } else {
        dimension = d.asInt();
      }
    }
    var alpha = number(body.get("alpha"), "alpha", reasons);
    if (alpha != null && alpha < 0) reasons.add("alpha: must not be negative, got " + alpha);
    var lambda = number(body.get("lambda"), "lambda", reasons);
    if (lambda != null && lambda <= 0) reasons.add("lambda: must be above 0, got " + lambda);
    return Checked.of(new Configuration(organizationId, arms, dimension, alpha, lambda), reasons);
  }

  /**
   * {@code {features: [numbers], userId?}}: a decision on the features given; or
   * {@code {userId, deviceType?, channel?}}: on the context built from the user's journey, with the
   * device and default channel group of the visit at hand (the user's latest when not given).
   */
  static Checked<Decide> decide(JsonNode body) {
    var reasons = new ArrayList<String>();
    if (!object(body, Set.of("features", "userId", "deviceType", "channel"), reasons)) return Checked.of(null, reasons);
    var userNode = body.get("userId");
    var userId = present(userNode) ? id(userNode, "userId", reasons) : null;
    var deviceType = present(body.get("deviceType")) ? id(body.get("deviceType"), "deviceType", reasons) : null;
    var channel = present(body.get("channel")) ? id(body.get("channel"), "channel", reasons) : null;
    var given = body.get("features");
    if (!present(given)) {
      if (!present(userNode)) reasons.add("features: required without userId, an array of numbers (as many as the model's dimension)");
      return Checked.of(new Decide(null, userId, deviceType, channel), reasons);
    }
    if (deviceType != null || channel != null) {
      reasons.add((deviceType != null ? "deviceType" : "channel") + ": only with a userId alone; features given are decided on as they are");
    }
    if (!given.isArray() || given.size() > ModelChecks.MAX_DIMENSION) {
      reasons.add("features: must be an array of at most " + ModelChecks.MAX_DIMENSION + " numbers");
      return Checked.of(null, reasons);
    }
    var features = new double[given.size()];
    for (var i = 0; i < features.length; i++) {
      var value = given.get(i);
      if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
        reasons.add("features[" + i + "]: must be a finite number, got " + value);
      } else if (Math.abs(value.asDouble()) > ModelChecks.MAX_ABS_VALUE) {
        reasons.add("features[" + i + "]: must be between -" + (long) ModelChecks.MAX_ABS_VALUE + " and "
            + (long) ModelChecks.MAX_ABS_VALUE + ", got " + value);
      } else {
        features[i] = value.asDouble();
      }
    }
    return Checked.of(new Decide(features, userId, null, null), reasons);
  }

  /** {@code {decisionId, reward}}. */
  static Checked<Reward> reward(JsonNode body) {
    var reasons = new ArrayList<String>();
    if (!object(body, Set.of("decisionId", "reward"), reasons)) return Checked.of(null, reasons);
    var decisionId = id(body.get("decisionId"), "decisionId", reasons);
    var reward = number(body.get("reward"), "reward", reasons);
    if (reward == null && !reasons.stream().anyMatch(r -> r.startsWith("reward:"))) reasons.add("reward: required, a number");
    if (reward != null && Math.abs(reward) > ModelChecks.MAX_ABS_VALUE) {
      reasons.add("reward: must be between -" + (long) ModelChecks.MAX_ABS_VALUE + " and " + (long) ModelChecks.MAX_ABS_VALUE
          + ", got " + reward);
    }
    return Checked.of(new Reward(decisionId, reward == null ? 0 : reward), reasons);
  }

  /** {@code {checkpoint}}: the checkpoint's name. */
  static Checked<String> rollback(JsonNode body) {
    var reasons = new ArrayList<String>();
    if (!object(body, Set.of("checkpoint"), reasons)) return Checked.of(null, reasons);
    return Checked.of(id(body.get("checkpoint"), "checkpoint", reasons), reasons);
  }

  /** A model's parameters, as the export writes them. */
  static Checked<LinUcbParameters> parameters(JsonNode body) {
    if (body == null || !body.isObject()) return Checked.of(null, List.of("body: must be a JSON object (a model's export)"));
    try {
      var parameters = Json.MAPPER.treeToValue(body, LinUcbParameters.class);
      if (parameters.settings() == null) return Checked.of(null, List.of("settings: required"));
      return Checked.of(parameters, List.of());
    } catch (ValueInstantiationException e) {
      var cause = e.getCause() == null ? e : e.getCause();
      return Checked.of(null, List.of(path(e) + ": " + cause.getMessage()));
    } catch (JsonMappingException e) {
      return Checked.of(null, List.of(path(e) + ": " + (e.getOriginalMessage() == null ? "unreadable"
          : e.getOriginalMessage().lines().findFirst().orElse("unreadable"))));
    } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
      return Checked.of(null, List.of("body: not a model's parameters"));
    }
  }

  /** Where in the document a mapping failed, as reasons name fields: {@code arms[1].b}. */
  private static String path(JsonMappingException e) {
    var path = new StringBuilder();
    for (var reference : e.getPath()) {
      if (reference.getFieldName() != null) path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
      else if (reference.getIndex() >= 0) path.append('[').append(reference.getIndex()).append(']');
    }
    return path.isEmpty() ? "body" : path.toString();
  }

  private static boolean object(JsonNode body, Set<String> known, List<String> reasons) {
    if (body == null || !body.isObject()) {
      reasons.add("body: must be a JSON object");
      return false;
    }
    body.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) reasons.add(name + ": unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
    });
    return true;
  }

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull();
  }

  private static String id(JsonNode node, String field, List<String> reasons) {
    if (!present(node)) {
      reasons.add(field + ": required");
      return null;
    }
    var problem = idProblem(node);
    if (problem != null) {
      reasons.add(field + ": " + problem);
      return null;
    }
    return node.asText();
  }

  private static String idProblem(JsonNode node) {
    return JsonIds.problem(node, MAX_ID_LENGTH);
  }

  private static List<String> arms(JsonNode node, List<String> reasons) {
    if (!present(node) || !node.isArray() || node.isEmpty()) {
      reasons.add("arms: required, a non-empty array of campaign ids");
      return List.of();
    }
    if (node.size() > ModelChecks.MAX_ARMS) {
      reasons.add("arms: at most " + ModelChecks.MAX_ARMS + " arms, got " + node.size());
      return List.of();
    }
    var arms = new ArrayList<String>();
    for (var i = 0; i < node.size(); i++) {
      var problem = idProblem(node.get(i));
      if (problem == null && arms.contains(node.get(i).asText())) problem = "'" + node.get(i).asText() + "' is there twice";
      if (problem != null) reasons.add("arms[" + i + "]: " + problem);
      else arms.add(node.get(i).asText());
    }
    return arms;
  }

  /** An optional number; null when absent or not a finite number (with a reason for the latter). */
  private static Double number(JsonNode node, String field, List<String> reasons) {
    if (!present(node)) return null;
    if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
      reasons.add(field + ": must be a finite number, got " + node);
      return null;
    }
    return node.asDouble();
  }
}
