package dev.beacon.bandit;

/**
 * The settings of a {@link LinUcb} model; the constructor refuses values out of range, naming the
 * setting.
 *
 * @param dimension d, the number of context features
 * @param alpha α, the weight of the exploration bonus α·√(xᵀA⁻¹x); 0 leaves the estimate alone,
 *     which with {@code epsilon} makes ε-greedy exploration ({@link #epsilonGreedy})
 * @param ridge λ: each arm's A starts as λI
 * @param epsilon ε in (0, 1]: the share of decisions spread evenly over the k arms, so that every
 *     arm keeps a probability of at least ε/k (the floor that off-policy evaluation needs)
 * @param forgetting γ in (0, 1]: at each update of an arm, what it learned before weighs γ times
 *     less (A and b are multiplied by γ); 1 forgets nothing
 * @param reinvertEvery K: each arm's A⁻¹, kept by Sherman–Morrison updates, is replaced by the
 *     exact inverse of A after every K of its updates
 */
public record LinUcbSettings(int dimension, double alpha, double ridge, double epsilon, double forgetting, int reinvertEvery) {
  public static final double DEFAULT_ALPHA = 1.0;
  public static final double DEFAULT_RIDGE = 1.0;
  public static final double DEFAULT_EPSILON = 0.05;
  public static final int DEFAULT_REINVERT_EVERY = 100;

  public LinUcbSettings {
    if (dimension < 1) throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
    if (!(Double.isFinite(alpha) && alpha >= 0)) throw new IllegalArgumentException("alpha must be a finite number ≥ 0, got " + alpha);
    if (!(Double.isFinite(ridge) && ridge > 0)) throw new IllegalArgumentException("ridge (lambda) must be a finite number > 0, got " + ridge);
    if (!(epsilon > 0 && epsilon <= 1)) throw new IllegalArgumentException("epsilon must be in (0, 1], got " + epsilon);
    if (!(forgetting > 0 && forgetting <= 1)) throw new IllegalArgumentException("forgetting must be in (0, 1], got " + forgetting);
    if (reinvertEvery < 1) throw new IllegalArgumentException("reinvertEvery must be at least 1, got " + reinvertEvery);
  }

  /** LinUCB with α = 1, λ = 1, ε = 0.05, no forgetting, an exact re-inversion every 100 updates of an arm. */
  public static LinUcbSettings of(int dimension) {
    return new LinUcbSettings(dimension, DEFAULT_ALPHA, DEFAULT_RIDGE, DEFAULT_EPSILON, 1.0, DEFAULT_REINVERT_EVERY);
  }

  /** ε-greedy on the ridge estimates: no exploration bonus (α = 0), a uniformly random arm in a share ε of decisions. */
  public static LinUcbSettings epsilonGreedy(int dimension, double epsilon) {
    return new LinUcbSettings(dimension, 0.0, DEFAULT_RIDGE, epsilon, 1.0, DEFAULT_REINVERT_EVERY);
  }

  public LinUcbSettings withReinvertEvery(int updates) {
    return new LinUcbSettings(dimension, alpha, ridge, epsilon, forgetting, updates);
  }
}
