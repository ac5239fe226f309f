package dev.beacon.bandit;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link LinUcb} model is, as plain values (for JSON export and import): its
 * settings and, per arm in the model's order, A, the A⁻¹ kept by Sherman–Morrison (not
 * recomputed: the drifted inverse is part of the state, so that a restored model decides to the
 * bit as the exported one did), b, the current ridge ρ, and counts. θ = A⁻¹b is recomputed.
 * The random source is not part of it: a restored model is given its own.
 *
 * <p>The constructors refuse what no model could have exported: wrong shapes, values that are
 * not finite, a ridge out of (0, λ], counts out of range, the same arm twice, an A or A⁻¹ that is
 * not symmetric (a model keeps both symmetric to the bit). They do not check
 * that A⁻¹ is the inverse of A: any tolerance would refuse, one day, the export of a model whose
 * features make A badly conditioned, and an export must always import.
 */
public record LinUcbParameters(LinUcbSettings settings, List<Arm> arms) {
  public LinUcbParameters {
    if (settings == null) throw new IllegalArgumentException("settings are missing");
    arms = List.copyOf(arms);
    var ids = new HashSet<String>();
    for (var arm : arms) {
      if (!ids.add(arm.id())) throw new IllegalArgumentException("arm '" + arm.id() + "' is there twice");
      if (arm.b().length != settings.dimension()) {
        throw new IllegalArgumentException("arm '" + arm.id() + "' has dimension " + arm.b().length + ", the settings say "
            + settings.dimension());
      }
      if (arm.ridge() > settings.ridge()) {
        throw new IllegalArgumentException("arm '" + arm.id() + "': ridge " + arm.ridge() + " is above the settings' " + settings.ridge());
      }
      if (arm.updatesSinceReinversion() >= settings.reinvertEvery()) {
        throw new IllegalArgumentException("arm '" + arm.id() + "': updatesSinceReinversion must be below reinvertEvery ("
            + settings.reinvertEvery() + "), got " + arm.updatesSinceReinversion());
      }
    }
  }

  /**
   * One arm: matrices as rows. The arrays are copied in and handed out as they are: do not change
   * what an accessor returns. Two arms are equal when their values are.
   */
  public record Arm(String id, long updates, int updatesSinceReinversion, double ridge, double drift, double[][] a,
      double[][] aInverse, double[] b) {
    public Arm {
      if (id == null || id.isBlank()) throw new IllegalArgumentException("an arm id must not be blank");
      if (a == null || aInverse == null || b == null) throw new IllegalArgumentException("arm '" + id + "': a, aInverse and b are required");
      var d = a.length;
      if (d == 0) throw new IllegalArgumentException("arm '" + id + "': a is empty");
      a = square(a, d, id, "a");
      aInverse = square(aInverse, d, id, "aInverse");
      if (b.length != d) throw new IllegalArgumentException("arm '" + id + "': b has " + b.length + " values, expected " + d);
      b = finite(b.clone(), id, "b");
      if (updates < 0 || updatesSinceReinversion < 0) throw new IllegalArgumentException("arm '" + id + "': counts must not be negative");
      if (!(Double.isFinite(ridge) && ridge > 0)) throw new IllegalArgumentException("arm '" + id + "': ridge must be > 0, got " + ridge);
      if (!(drift >= 0)) throw new IllegalArgumentException("arm '" + id + "': drift must be ≥ 0, got " + drift);
      symmetric(a, id, "a");
      symmetric(aInverse, id, "aInverse");
    }

    /** Equal arms hold equal values (a record would compare the arrays by reference). */
    @Override
    public boolean equals(Object o) {
      return o instanceof Arm other && id.equals(other.id) && updates == other.updates
          && updatesSinceReinversion == other.updatesSinceReinversion && Double.compare(ridge, other.ridge) == 0
          && Double.compare(drift, other.drift) == 0 && Arrays.deepEquals(a, other.a) && Arrays.deepEquals(aInverse, other.aInverse)
          && Arrays.equals(b, other.b);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, updates, updatesSinceReinversion, ridge, drift, Arrays.deepHashCode(a), Arrays.deepHashCode(aInverse),
          Arrays.hashCode(b));
    }

    @Override
    public String toString() {
      return "Arm[id=" + id + ", updates=" + updates + ", updatesSinceReinversion=" + updatesSinceReinversion + ", ridge=" + ridge
          + ", drift=" + drift + ", a=" + Arrays.deepToString(a) + ", aInverse=" + Arrays.deepToString(aInverse) + ", b="
          + Arrays.toString(b) + "]";
    }

    /** A model keeps A and A⁻¹ symmetric to the bit, and relies on it. */
    private static void symmetric(double[][] rows, String id, String name) {
      for (var i = 0; i < rows.length; i++) {
        for (var j = 0; j < i; j++) {
          if (Double.compare(rows[i][j], rows[j][i]) != 0) {
            throw new IllegalArgumentException("arm '" + id + "': " + name + " is not symmetric (" + name + "[" + i + "][" + j + "] = "
                + rows[i][j] + ", " + name + "[" + j + "][" + i + "] = " + rows[j][i] + ")");
          }
        }
      }
    }

    private static double[][] square(double[][] rows, int d, String id, String name) {
      if (rows.length != d) throw new IllegalArgumentException("arm '" + id + "': " + name + " has " + rows.length + " rows, expected " + d);
      var copy = new double[d][];
      for (var i = 0; i < d; i++) {
        if (rows[i] == null || rows[i].length != d) {
          throw new IllegalArgumentException("arm '" + id + "': " + name + "[" + i + "] must have " + d + " values");
        }
        copy[i] = finite(rows[i].clone(), id, name + "[" + i + "]");
      }
      return copy;
    }

    private static double[] finite(double[] values, String id, String name) {
      for (var i = 0; i < values.length; i++) {
        if (!Double.isFinite(values[i])) {
          throw new IllegalArgumentException("arm '" + id + "': " + name + "[" + i + "] must be finite, got " + values[i]);
        }
      }
      return values;
    }
  }
}
