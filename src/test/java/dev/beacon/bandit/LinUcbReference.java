package dev.beacon.bandit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * LinUCB written the straightforward way, to check {@link LinUcb} against: A and b per arm as
 * nested arrays, A inverted from scratch (Gauss–Jordan with partial pivoting, no Cholesky, no
 * Sherman–Morrison) for every score. Forgetting and the ridge schedule follow the definition in
 * {@link LinUcbArm}: A ← γA + xxᵀ, b ← γb + rx, ρ ← γρ, and after every K updates of an arm the
 * ridge goes back to λ (A += (λ − ρ)I).
 */
final class LinUcbReference {
  private final LinUcbSettings settings;
  private final RandomGenerator random;
  private final Map<String, Arm> arms = new LinkedHashMap<>();

  private static final class Arm {
    final double[][] a;
    final double[] b;
    double ridge;
    int sinceReinversion;

    Arm(int d, double ridge) {
      a = new double[d][d];
      b = new double[d];
      for (var i = 0; i < d; i++) a[i][i] = ridge;
      this.ridge = ridge;
    }
  }

  /** The scores, the probabilities and the arm a decision chose. */
  record Choice(List<String> arms, double[] scores, double[] probabilities, String arm) {}

  LinUcbReference(LinUcbSettings settings, List<String> arms, RandomGenerator random) {
    this.settings = settings;
    this.random = random;
    arms.forEach(id -> this.arms.put(id, new Arm(settings.dimension(), settings.ridge())));
  }

  Choice decide(double[] x) {
    var ids = new ArrayList<>(arms.keySet());
    var k = ids.size();
    var scores = new double[k];
    for (var i = 0; i < k; i++) scores[i] = score(arms.get(ids.get(i)), x);
    var top = Double.NEGATIVE_INFINITY;
    for (var score : scores) top = Math.max(top, score);
    var tied = 0;
    for (var score : scores) if (score == top) tied++;
    var probabilities = new double[k];
    for (var i = 0; i < k; i++) {
      probabilities[i] = settings.epsilon() / k + (scores[i] == top ? (1 - settings.epsilon()) / tied : 0);
    }
    var draw = random.nextDouble();
    var chosen = k - 1;
    var cumulative = 0.0;
    for (var i = 0; i < k; i++) {
      cumulative += probabilities[i];
      if (draw < cumulative) {
        chosen = i;
        break;
      }
    }
    return new Choice(ids, scores, probabilities, ids.get(chosen));
  }

  void update(String id, double[] x, double reward) {
    var arm = arms.get(id);
    var d = x.length;
    var gamma = settings.forgetting();
    for (var i = 0; i < d; i++) {
      for (var j = 0; j < d; j++) arm.a[i][j] = gamma * arm.a[i][j] + x[i] * x[j];
      arm.b[i] = gamma * arm.b[i] + reward * x[i];
    }
    arm.ridge *= gamma;
    if (++arm.sinceReinversion == settings.reinvertEvery()) {
      arm.sinceReinversion = 0;
      for (var i = 0; i < d; i++) arm.a[i][i] += settings.ridge() - arm.ridge;
      arm.ridge = settings.ridge();
    }
  }

  /** A⁻¹ of an arm, inverted now. */
  double[][] inverse(String id) {
    return invert(arms.get(id).a);
  }

  private double score(Arm arm, double[] x) {
    var inverse = invert(arm.a);
    var d = x.length;
    var theta = new double[d];
    for (var i = 0; i < d; i++) for (var j = 0; j < d; j++) theta[i] += inverse[i][j] * arm.b[j];
    var estimate = 0.0;
    var spread = 0.0;
    for (var i = 0; i < d; i++) {
      estimate += theta[i] * x[i];
      for (var j = 0; j < d; j++) spread += x[i] * inverse[i][j] * x[j];
    }
    return estimate + settings.alpha() * Math.sqrt(spread);
  }

  /** Gauss–Jordan elimination with partial pivoting on [A | I]. */
  static double[][] invert(double[][] matrix) {
    var d = matrix.length;
    var m = new double[d][2 * d];
    for (var i = 0; i < d; i++) {
      System.arraycopy(matrix[i], 0, m[i], 0, d);
      m[i][d + i] = 1;
    }
    for (var column = 0; column < d; column++) {
      var pivot = column;
      for (var row = column + 1; row < d; row++) if (Math.abs(m[row][column]) > Math.abs(m[pivot][column])) pivot = row;
      var swap = m[column];
      m[column] = m[pivot];
      m[pivot] = swap;
      var divisor = m[column][column];
      for (var j = 0; j < 2 * d; j++) m[column][j] /= divisor;
      for (var row = 0; row < d; row++) {
        if (row == column || m[row][column] == 0) continue;
        var factor = m[row][column];
        for (var j = 0; j < 2 * d; j++) m[row][j] -= factor * m[column][j];
      }
    }
    var inverse = new double[d][d];
    for (var i = 0; i < d; i++) System.arraycopy(m[i], d, inverse[i], 0, d);
    return inverse;
  }
}
