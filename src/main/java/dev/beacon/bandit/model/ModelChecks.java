package dev.beacon.bandit.model;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * The checks a {@link BanditModel} makes of a command before anything is persisted, with the
 * reasons it refuses with ({@code "field: reason"}), and the form of its decision ids. Pure.
 */
final class ModelChecks {
  /** Largest magnitude of a feature value or a reward: far from where the model's products overflow. */
  static final double MAX_ABS_VALUE = 1e6;
  /** Largest dimension a model may have: each arm keeps two d×d matrices. */
  static final int MAX_DIMENSION = 256;
  /** Most arms a model may have. */
  static final int MAX_ARMS = 100;
  private static final String DECISION_ID_PREFIX = "d-";

  private ModelChecks() {}

  /** What is wrong with a configuration whatever the model is, or null; null settings stand for defaults. */
  static String configurationProblem(String organizationId, List<String> arms, Integer dimension, Double alpha, Double lambda) {
    if (organizationId == null || organizationId.isBlank()) return "organizationId: required";
    var armProblem = armProblem(arms);
    if (armProblem != null) return armProblem;
    if (dimension != null && (dimension < 1 || dimension > MAX_DIMENSION)) {
      return "dimension: must be between 1 and " + MAX_DIMENSION + ", got " + dimension;
    }
    if (alpha != null && !(Double.isFinite(alpha) && alpha >= 0 && alpha <= MAX_ABS_VALUE)) {
      return "alpha: must be a finite number from 0 to " + (long) MAX_ABS_VALUE + ", got " + alpha;
    }
    if (lambda != null && !(Double.isFinite(lambda) && lambda > 0 && lambda <= MAX_ABS_VALUE)) {
      return "lambda: must be a finite number above 0 and at most " + (long) MAX_ABS_VALUE + ", got " + lambda;
    }
    return null;
  }

  /** Why these arms cannot be a model's, or null: at least one, at most {@value #MAX_ARMS}, none blank, none twice. */
  static String armProblem(List<String> arms) {
    if (arms.isEmpty()) return "arms: at least one arm";
    if (arms.size() > MAX_ARMS) return "arms: at most " + MAX_ARMS + ", got " + arms.size();
    var seen = new HashSet<String>();
    for (var i = 0; i < arms.size(); i++) {
      var arm = arms.get(i);
      if (arm == null || arm.isBlank()) return "arms[" + i + "]: must not be blank";
      if (!seen.add(arm)) return "arms[" + i + "]: '" + arm + "' is there twice";
    }
    return null;
  }

  /** Why {@code features} cannot be decided on by a model of dimension {@code dimension}, or null. */
  static String featuresProblem(double[] features, int dimension) {
    if (features == null) return "features: required";
    if (features.length != dimension) {
      return "features: the model's dimension is " + dimension + ", got " + features.length + " values";
    }
    for (var i = 0; i < features.length; i++) {
      if (!Double.isFinite(features[i])) return "features[" + i + "]: must be a finite number, got " + features[i];
      if (Math.abs(features[i]) > MAX_ABS_VALUE) {
        return "features[" + i + "]: must be between -" + (long) MAX_ABS_VALUE + " and " + (long) MAX_ABS_VALUE + ", got " + features[i];
      }
    }
    return null;
  }

  /** Why {@code reward} cannot be learned, or null. */
  static String rewardProblem(double reward) {
    if (Double.isFinite(reward) && Math.abs(reward) <= MAX_ABS_VALUE) return null;
    return "reward: must be a finite number between -" + (long) MAX_ABS_VALUE + " and " + (long) MAX_ABS_VALUE + ", got " + reward;
  }

  /** The id of decision {@code number}: {@code d-42}. */
  static String decisionId(long number) {
    return DECISION_ID_PREFIX + number;
  }

  /** A window as application.conf writes it: {@code 7d}, {@code 12h}, {@code 90s}. */
  static String describe(Duration window) {
    if (window.toSeconds() % 86_400 == 0) return window.toDays() + "d";
    if (window.toSeconds() % 3_600 == 0) return window.toHours() + "h";
    return window.toMillis() % 1000 == 0 ? window.toSeconds() + "s" : window.toMillis() + "ms";
  }

  /** The number of a decision id ({@code d-42}), or 0 for what is not one. */
  static long decisionNumber(String decisionId) {
    if (decisionId == null || !decisionId.startsWith(DECISION_ID_PREFIX)) return 0;
    try {
      return Long.parseLong(decisionId.substring(DECISION_ID_PREFIX.length()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
