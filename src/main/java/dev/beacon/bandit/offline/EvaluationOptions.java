package dev.beacon.bandit.offline;

import dev.beacon.bandit.LinUcbSettings;

/**
 * How {@link OfflineEvaluation} runs: the policy, the seed of its random draws, and the LinUCB
 * settings (α, λ, ε) that only {@link EvaluationPolicy#LINUCB} uses; its dimension is the log's.
 */
public record EvaluationOptions(EvaluationPolicy policy, long seed, double alpha, double ridge, double epsilon) {
  public static final long DEFAULT_SEED = 42;

  public EvaluationOptions {
    if (policy == null) throw new IllegalArgumentException("policy is missing");
    // the settings' own checks, with a dimension that is always valid
    new LinUcbSettings(1, alpha, ridge, epsilon, 1.0, LinUcbSettings.DEFAULT_REINVERT_EVERY);
  }

  /** The policy with the default seed and LinUCB settings. */
  public static EvaluationOptions of(EvaluationPolicy policy) {
    return new EvaluationOptions(policy, DEFAULT_SEED, LinUcbSettings.DEFAULT_ALPHA, LinUcbSettings.DEFAULT_RIDGE,
        LinUcbSettings.DEFAULT_EPSILON);
  }

  /** LinUCB over contexts of {@code dimension} values, without forgetting, re-inverting at the default period. */
  LinUcbSettings linUcb(int dimension) {
    return new LinUcbSettings(dimension, alpha, ridge, epsilon, 1.0, LinUcbSettings.DEFAULT_REINVERT_EVERY);
  }
}
