package dev.beacon.bandit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two models' parameters compared as exact forgetting promises: to 1e-9, relative where a value exceeds 1. */
public final class ParameterAssertions {
  public static final double TOLERANCE = 1e-9;

  private ParameterAssertions() {}

  /** A, b, A⁻¹, θ and the update counts of every arm agree to {@link #TOLERANCE}, relative where a value exceeds 1. */
  public static void assertEquivalent(LinUcbParameters actual, LinUcbParameters expected) {
    assertThat(actual.arms()).hasSameSizeAs(expected.arms());
    for (var i = 0; i < expected.arms().size(); i++) {
      var got = actual.arms().get(i);
      var want = expected.arms().get(i);
      assertThat(got.id()).isEqualTo(want.id());
      assertThat(got.updates()).as("updates of %s", want.id()).isEqualTo(want.updates());
      assertThat(got.ridge()).as("ridge of %s", want.id()).isEqualTo(want.ridge());
      close(got.id() + " b", got.b(), want.b());
      close(got.id() + " θ", theta(got), theta(want));
      for (var row = 0; row < want.b().length; row++) {
        close(got.id() + " A[" + row + "]", got.a()[row], want.a()[row]);
        close(got.id() + " A⁻¹[" + row + "]", got.aInverse()[row], want.aInverse()[row]);
      }
    }
  }

  private static void close(String what, double[] actual, double[] expected) {
    for (var i = 0; i < expected.length; i++) {
      var scale = Math.max(1, Math.abs(expected[i]));
      assertThat(Math.abs(actual[i] - expected[i]) / scale).as("%s[%d]: %s against %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(TOLERANCE);
    }
  }

  private static double[] theta(LinUcbParameters.Arm arm) {
    var d = arm.b().length;
    var theta = new double[d];
    for (var i = 0; i < d; i++) {
      for (var j = 0; j < d; j++) theta[i] += arm.aInverse()[i][j] * arm.b()[j];
    }
    return theta;
  }
}
