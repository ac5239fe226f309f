package dev.beacon.bandit.context;

import java.util.Arrays;

/**
 * Running mean and variance of the continuous context dimensions (Welford's algorithm: one pass,
 * numerically stable), kept by a model so that every dimension weighs alike in its ridge
 * regressions whatever its unit. A model observes each context it decides on and standardises it
 * with what it has seen so far; the update learns from the standardised context recorded with the
 * decision, so a decision and its reward always agree. A dimension with (nearly) no spread yet is
 * only centred: dividing by a standard deviation near 0 would blow it up.
 */
public final class RunningStandardizer {
  /** Below this standard deviation a dimension is centred, not scaled. */
  static final double MIN_SPREAD = 1e-9;
  private final int first;
  private final int last;
  private long count;
  private final double[] mean;
  private final double[] m2;

  /** Statistics of dimensions {@code first} to {@code last} (inclusive) of contexts of any length beyond them. */
  public RunningStandardizer(int first, int last) {
    if (first < 0 || last < first) throw new IllegalArgumentException("dimensions " + first + " to " + last);
    this.first = first;
    this.last = last;
    this.mean = new double[last - first + 1];
    this.m2 = new double[last - first + 1];
  }

  /** The statistics of {@link ContextFeatures}' continuous dimensions, none seen yet. */
  public static RunningStandardizer forContextFeatures() {
    return new RunningStandardizer(ContextFeatures.FIRST_CONTINUOUS, ContextFeatures.LAST_CONTINUOUS);
  }

  /** What a model exports and restores: the contexts seen, and per dimension the mean and the sum of squared deviations. */
  public record State(int first, int last, long count, double[] mean, double[] m2) {
    public State {
      if (mean.length != last - first + 1 || m2.length != mean.length) {
        throw new IllegalArgumentException("mean and m2 need " + (last - first + 1) + " values each");
      }
      if (count < 0) throw new IllegalArgumentException("count must be 0 or more");
      for (int i = 0; i < mean.length; i++) {
        if (!Double.isFinite(mean[i]) || !Double.isFinite(m2[i]) || m2[i] < 0) {
          throw new IllegalArgumentException("mean[" + i + "] and m2[" + i + "] must be finite, m2 ≥ 0");
        }
      }
      mean = mean.clone();
      m2 = m2.clone();
    }
  }

  public static RunningStandardizer restore(State state) {
    var restored = new RunningStandardizer(state.first(), state.last());
    restored.count = state.count();
    System.arraycopy(state.mean(), 0, restored.mean, 0, restored.mean.length);
    System.arraycopy(state.m2(), 0, restored.m2, 0, restored.m2.length);
    return restored;
  }

  public State state() {
    return new State(first, last, count, mean, m2);
  }

  public long count() {
    return count;
  }

  /** Takes one more context into the statistics (its values are finite: the model checked them). */
  public void observe(double[] context) {
    check(context);
    count++;
    for (int i = 0; i < mean.length; i++) {
      var x = context[first + i];
      var delta = x - mean[i];
      mean[i] += delta / count;
      m2[i] += delta * (x - mean[i]);
    }
  }

  /** A copy of {@code context} with its continuous dimensions standardised by what was seen so far (as is before anything was). */
  public double[] standardize(double[] context) {
    check(context);
    var x = Arrays.copyOf(context, context.length);
    if (count == 0) return x;
    for (int i = 0; i < mean.length; i++) {
      var centred = context[first + i] - mean[i];
      var spread = standardDeviation(i);
      x[first + i] = spread < MIN_SPREAD ? centred : centred / spread;
    }
    return x;
  }

  /** The sample standard deviation of dimension {@code first + i}, 0 before two contexts were seen. */
  double standardDeviation(int i) {
    return count < 2 ? 0 : Math.sqrt(m2[i] / (count - 1));
  }

  private void check(double[] context) {
    if (context.length <= last) {
      throw new IllegalArgumentException("context has " + context.length + " values, the statistics need " + (last + 1));
    }
  }
}
