package dev.beacon.bandit;

/**
 * One arm of a {@link LinUcb} model: A = ρI + Σ γ^(n−i)·xᵢxᵢᵀ, its inverse kept by
 * Sherman–Morrison, b = Σ γ^(n−i)·rᵢxᵢ and θ = A⁻¹b, each d×d matrix row-major in one
 * {@code double[]} (see {@link LinUcb} for why no matrix library).
 *
 * <p>Forgetting multiplies A, b and the ridge ρ by γ at each update, and A⁻¹ by 1/γ: the
 * rank-one step (γA + xxᵀ)⁻¹ = (A⁻¹ − uuᵀ/(γ + xᵀu))/γ with u = A⁻¹x keeps A⁻¹ the inverse of A
 * (θ = A⁻¹b is unchanged by the scaling). Left alone the ridge would fade to nothing and A⁻¹
 * would grow without bound in the directions no context has taken, so each exact re-inversion
 * also gives the ridge back its full λ (A += (λ − ρ)I, inverted again): between two
 * re-inversions ρ stays in [γ^K·λ, λ]. Without forgetting (γ = 1) ρ is λ throughout. An arm
 * forgets only as it learns: one that gets no rewards keeps what it had.
 */
final class LinUcbArm {
  final String id;
  private final int d;
  final double[] a;
  final double[] aInverse;
  final double[] b;
  private final double[] theta;
  double ridge;
  long updates;
  int updatesSinceReinversion;
  /** Max |A⁻¹ kept − A⁻¹ exact| at the latest re-inversion; +∞ if A was then not positive definite in floating point. */
  double drift;

  /** An arm with exactly these values (the arrays are the arm's from now on). */
  LinUcbArm(String id, int d, double[] a, double[] aInverse, double[] b, double ridge, long updates,
      int updatesSinceReinversion, double drift) {
    this.id = id;
    this.d = d;
    this.a = a;
    this.aInverse = aInverse;
    this.b = b;
    this.theta = new double[d];
    this.ridge = ridge;
    this.updates = updates;
    this.updatesSinceReinversion = updatesSinceReinversion;
    this.drift = drift;
    computeTheta();
  }

  /** A fresh arm: A = λI, A⁻¹ = I/λ, b = 0. */
  static LinUcbArm fresh(String id, int d, double ridge) {
    var a = new double[d * d];
    var aInverse = new double[d * d];
    for (var i = 0; i < d; i++) {
      a[i * d + i] = ridge;
      aInverse[i * d + i] = 1 / ridge;
    }
    return new LinUcbArm(id, d, a, aInverse, new double[d], ridge, 0, 0, 0);
  }

  /** θᵀx + α·√(xᵀA⁻¹x), the quadratic form over A⁻¹'s upper triangle (it is symmetric): half the multiplications. */
  double score(double[] x, double alpha) {
    var estimate = 0.0;
    var spread = 0.0;
    for (var i = 0; i < d; i++) {
      var row = i * d;
      var xi = x[i];
      var sum = 0.5 * aInverse[row + i] * xi;
      for (var j = i + 1; j < d; j++) sum += aInverse[row + j] * x[j];
      spread += xi * sum;
      estimate += theta[i] * xi;
    }
    // rounding may leave a hair below zero where xᵀA⁻¹x is tiny
    return estimate + alpha * Math.sqrt(Math.max(0, 2 * spread));
  }

  /**
   * Writes u = A⁻¹x into {@code u} and returns γ + xᵀu, the Sherman–Morrison denominator; reads
   * only, so that an update that would overflow can be refused before anything changes.
   */
  double prepare(double[] x, double gamma, double[] u) {
    multiply(aInverse, x, u);
    var s = 0.0;
    for (var i = 0; i < d; i++) s += x[i] * u[i];
    return gamma + s;
  }

  /** The update after {@link #prepare} gave {@code u} and {@code denominator} for this x and γ. */
  void update(double[] x, double reward, double gamma, double[] u, double denominator) {
    var unscale = 1 / gamma;
    var shrink = 1 / denominator;
    for (var i = 0; i < d; i++) {
      var row = i * d;
      var ui = u[i];
      var xi = x[i];
      // ui·u[j] and xi·x[j] are the same products as uj·u[i] and xj·x[i]: A and A⁻¹ stay symmetric to the bit
      for (var j = 0; j < d; j++) {
        aInverse[row + j] = (aInverse[row + j] - ui * u[j] * shrink) * unscale;
        a[row + j] = gamma * a[row + j] + xi * x[j];
      }
      b[i] = gamma * b[i] + reward * xi;
    }
    ridge *= gamma;
    updates++;
    updatesSinceReinversion++;
    computeTheta();
  }

  /**
   * Replaces A⁻¹ by the exact inverse of A, recording how far the kept one had drifted; then,
   * when forgetting has worn the ridge down, restores it to λ and inverts again. Where A is not
   * positive definite in floating point (features so large that the ridge is lost in rounding)
   * the drift is +∞ and the kept A⁻¹ stays, as does a worn ridge that could not be restored.
   * {@code diagonal} is scratch of length d.
   */
  void reinvert(double fullRidge, double[] exact, double[] work, double[] diagonal) {
    updatesSinceReinversion = 0;
    if (Cholesky.invert(a, d, exact, work)) {
      drift = maxDifference(aInverse, exact);
      System.arraycopy(exact, 0, aInverse, 0, exact.length);
    } else {
      drift = Double.POSITIVE_INFINITY;
    }
    if (ridge < fullRidge) {
      for (var i = 0; i < d; i++) {
        diagonal[i] = a[i * d + i];
        a[i * d + i] += fullRidge - ridge;
      }
      if (Cholesky.invert(a, d, exact, work)) {
        System.arraycopy(exact, 0, aInverse, 0, exact.length);
        ridge = fullRidge;
      } else {
        for (var i = 0; i < d; i++) a[i * d + i] = diagonal[i];
      }
    }
    computeTheta();
  }

  /**
   * Takes {@code contribution} out of A and b (A −= Σxxᵀ, b −= Σr·x) and replaces A⁻¹ by the exact
   * inverse of what is left: no Sherman–Morrison downdate, whose rounding would carry the
   * forgotten updates on in A⁻¹. Only without forgetting (γ = 1), where A is λI plus the sum of the
   * updates whatever their order. Where what is left is not positive definite in floating point
   * (the subtraction lost the ridge in rounding), the arm starts again from λI: nothing of the
   * forgotten updates may stay. {@code exact} and {@code work} are scratch.
   */
  void forget(ArmContribution contribution, double fullRidge, double[] exact, double[] work) {
    var outer = contribution.outerSum();
    for (var i = 0; i < a.length; i++) a[i] -= outer[i];
    for (var i = 0; i < d; i++) b[i] -= contribution.weighted()[i];
    updates -= contribution.updates();
    updatesSinceReinversion = 0;
    drift = 0;
    if (Cholesky.invert(a, d, exact, work)) {
      System.arraycopy(exact, 0, aInverse, 0, exact.length);
    } else {
      var fresh = fresh(id, d, fullRidge);
      System.arraycopy(fresh.a, 0, a, 0, a.length);
      System.arraycopy(fresh.aInverse, 0, aInverse, 0, aInverse.length);
      java.util.Arrays.fill(b, 0);
      updates = 0;
    }
    computeTheta();
  }

  /** Max |A⁻¹ kept − A⁻¹ exact| now, changing nothing; +∞ if A is not positive definite in floating point. */
  double measureDrift() {
    var exact = new double[d * d];
    if (!Cholesky.invert(a, d, exact, new double[Cholesky.workLength(d)])) return Double.POSITIVE_INFINITY;
    return maxDifference(aInverse, exact);
  }

  private static double maxDifference(double[] left, double[] right) {
    var max = 0.0;
    for (var i = 0; i < left.length; i++) max = Math.max(max, Math.abs(left[i] - right[i]));
    return max;
  }

  private void computeTheta() {
    multiply(aInverse, b, theta);
  }

  /** out = M·v, row by row. */
  private void multiply(double[] m, double[] v, double[] out) {
    for (var i = 0; i < d; i++) {
      var row = i * d;
      var sum = 0.0;
      for (var j = 0; j < d; j++) sum += m[row + j] * v[j];
      out[i] = sum;
    }
  }
}
