package dev.beacon.bandit.context;

import java.util.Arrays;

/**
 * Running mean and variance of the continuous context dimensions (Welford's algorithm: one pass,
 * numerically stable), kept by a model so that every dimension weighs alike in its ridge
 * regressions whatever its unit. A model observes each context it decides on and standardises it
 * with what it has seen so far; the update learns from the standardised context recorded with the
 * decision, so a decision and its reward always agree. A dimension with (nearly) no spread yet
 * (nothing seen, one context, or all alike) standardises to 0: its raw value, or one centred on a
 * single context, would enter the ridge regressions in its own unit (365 days of recency against
 * a bias of 1) and weigh on them long after. Standardised values are clipped to
 * ±{@value #MAX_DEVIATIONS} standard deviations, so that one outlier cannot do the same.
 */
public final class RunningStandardizer {
  /** Below this standard deviation a dimension has no spread yet. */
  static final double MIN_SPREAD = 1e-9;
  static final double MAX_DEVIATIONS = 5;
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

    /** Equal statistics hold equal values (a record would compare the arrays by reference). */
    @Override
    public boolean equals(Object o) {
      return o instanceof State s && first == s.first && last == s.last && count == s.count && Arrays.equals(mean, s.mean)
          && Arrays.equals(m2, s.m2);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Long.hashCode(count) + Arrays.hashCode(mean)) + Arrays.hashCode(m2);
    }

    @Override
    public String toString() {
      return "State[first=" + first + ", last=" + last + ", count=" + count + ", mean=" + Arrays.toString(mean) + ", m2="
          + Arrays.toString(m2) + "]";
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

  /**
   * Takes the contexts {@code part} observed back out of these statistics (Chan's parallel
   * combination run backwards), as if they had never been observed: the mean and spread then equal,
   * to rounding, those of the other contexts alone ({@code part} must have observed a subset of
   * what these did, over the same dimensions). Contexts standardised before, with statistics
   * that included {@code part}, stay as they were standardised.
   */
  public void remove(RunningStandardizer part) {
    if (part.first != first || part.last != last) throw new IllegalArgumentException("statistics of other dimensions");
    if (part.count == 0) return;
    if (part.count > count) throw new IllegalArgumentException("cannot remove " + part.count + " contexts of " + count);
    var rest = count - part.count;
    for (int i = 0; i < mean.length; i++) {
      if (rest == 0) {
        mean[i] = 0;
        m2[i] = 0;
        continue;
      }
      var restMean = (count * mean[i] - part.count * part.mean[i]) / rest;
      var delta = part.mean[i] - restMean;
      // rounding may leave a hair below zero where the rest has no spread
      m2[i] = Math.max(0, m2[i] - part.m2[i] - delta * delta * rest * part.count / count);
      mean[i] = restMean;
    }
    count = rest;
  }

  /** A copy of {@code context} with its continuous dimensions standardised by what was seen so far. */
  public double[] standardize(double[] context) {
    check(context);
    var x = Arrays.copyOf(context, context.length);
    for (int i = 0; i < mean.length; i++) {
      var spread = standardDeviation(i);
      var z = spread < MIN_SPREAD ? 0 : (context[first + i] - mean[i]) / spread;
      x[first + i] = Math.max(-MAX_DEVIATIONS, Math.min(MAX_DEVIATIONS, z));
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
