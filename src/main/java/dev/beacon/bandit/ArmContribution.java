package dev.beacon.bandit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What some learned updates put into one arm of a {@link LinUcb} model without forgetting: their
 * count, Σxxᵀ (added to A) and Σr·x (added to b), so that {@link LinUcb#forget} can take them out
 * again. Σxxᵀ is kept as the vectors themselves while they are fewer than the dimension d (a
 * user with a few decisions costs a few vectors), and as the summed d×d matrix from then on (at
 * most d² + d values, however many updates). Immutable; the arrays are never changed.
 *
 * @param vectors the contexts not yet summed into {@code outer}
 * @param outer Σxxᵀ of the contexts summed so far, row-major; null until there are d of them
 */
public record ArmContribution(String arm, long updates, double[] weighted, List<double[]> vectors, double[] outer) {
  public ArmContribution {
    if (arm == null || arm.isBlank()) throw new IllegalArgumentException("an arm id must not be blank");
    vectors = List.copyOf(vectors);
  }

  /** Nothing yet, for a model of dimension {@code d}. */
  public static ArmContribution none(String arm, int d) {
    return new ArmContribution(arm, 0, new double[d], List.of(), null);
  }

  /** This and the update that learned reward {@code r} for context {@code x}. */
  public ArmContribution plus(double[] x, double r) {
    var d = weighted.length;
    var sum = weighted.clone();
    for (var i = 0; i < d; i++) sum[i] += r * x[i];
    var pending = new ArrayList<>(vectors);
    pending.add(x.clone());
    if (pending.size() < d) return new ArmContribution(arm, updates + 1, sum, pending, outer);
    var folded = outer == null ? new double[d * d] : outer.clone();
    for (var v : pending) addOuter(v, folded, d);
    return new ArmContribution(arm, updates + 1, sum, List.of(), folded);
  }

  /** Σxxᵀ over every update, row-major d×d, symmetric to the bit. */
  public double[] outerSum() {
    var d = weighted.length;
    var sum = outer == null ? new double[d * d] : outer.clone();
    for (var v : vectors) addOuter(v, sum, d);
    return sum;
  }

  private static void addOuter(double[] x, double[] into, int d) {
    for (var i = 0; i < d; i++) {
      for (var j = 0; j < d; j++) into[i * d + j] += x[i] * x[j];
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArmContribution c && arm.equals(c.arm) && updates == c.updates && Arrays.equals(weighted, c.weighted)
        && vectors.size() == c.vectors.size() && Arrays.deepEquals(vectors.toArray(), c.vectors.toArray())
        && Arrays.equals(outer, c.outer);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * arm.hashCode() + Long.hashCode(updates)) + Arrays.hashCode(weighted);
  }

  @Override
  public String toString() {
    return "ArmContribution[arm=" + arm + ", updates=" + updates + ", weighted=" + Arrays.toString(weighted) + "]";
  }
}
