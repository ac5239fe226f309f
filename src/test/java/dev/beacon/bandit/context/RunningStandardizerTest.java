package dev.beacon.bandit.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Welford's running statistics against the two-pass mean and sample variance, the edges, and a restore. */
class RunningStandardizerTest {
  @Test
  void standardisesTheContinuousDimensionsWithTheTwoPassMeanAndSampleDeviationAndLeavesTheOthers() {
    var random = new Random(7);
    var standardizer = new RunningStandardizer(1, 2);
    var seen = new double[500][];
    for (int n = 0; n < seen.length; n++) {
      seen[n] = new double[] {1, 1e6 + random.nextGaussian() * 3, random.nextDouble() * 50, 9};
      standardizer.observe(seen[n]);
    }
    for (int d = 1; d <= 2; d++) {
      double sum = 0;
      for (var x : seen) sum += x[d];
      var mean = sum / seen.length;
      double squares = 0;
      for (var x : seen) squares += (x[d] - mean) * (x[d] - mean);
      var deviation = Math.sqrt(squares / (seen.length - 1));
      var probe = new double[] {1, 1e6 + 1.5, 20, 9};
      assertThat(standardizer.standardize(probe)[d]).as("dimension " + d).isCloseTo((probe[d] - mean) / deviation, within(1e-9));
    }
    var out = standardizer.standardize(new double[] {1, 1e6, 20, 9});
    assertThat(out[0]).isEqualTo(1);
    assertThat(out[3]).isEqualTo(9);
  }

  @Test
  void withoutSpreadYetADimensionIsZeroAndAnOutlierIsClippedAtFiveDeviations() {
    var standardizer = new RunningStandardizer(0, 1);
    // nothing seen: no unit to measure by, so nothing is said (not the raw 365 days of recency)
    assertThat(standardizer.standardize(new double[] {365, 5})).containsExactly(0, 0);
    standardizer.observe(new double[] {4, 5});
    assertThat(standardizer.standardize(new double[] {365, 5})).containsExactly(0, 0);
    standardizer.observe(new double[] {4, 7});
    // dimension 0 has no spread (4, 4); dimension 1 has mean 6 and deviation √2
    assertThat(standardizer.standardize(new double[] {6, 6})[0]).isZero();
    assertThat(standardizer.standardize(new double[] {6, 6})[1]).isCloseTo(0.0, within(1e-12));
    assertThat(standardizer.standardize(new double[] {6, 7})[1]).isCloseTo(1 / Math.sqrt(2), within(1e-12));
    assertThat(standardizer.standardize(new double[] {6, 600})[1]).isEqualTo(5.0);
    assertThat(standardizer.standardize(new double[] {6, -600})[1]).isEqualTo(-5.0);
  }

  @Test
  void aRestoredStandardizerStandardisesAlikeAndKeepsLearningAlike() {
    var original = RunningStandardizer.forContextFeatures();
    var random = new Random(3);
    for (int n = 0; n < 50; n++) original.observe(random.doubles(21).toArray());
    var restored = RunningStandardizer.restore(original.state());
    var next = random.doubles(21).toArray();
    original.observe(next);
    restored.observe(next);
    var probe = random.doubles(21).toArray();
    assertThat(restored.standardize(probe)).containsExactly(original.standardize(probe));
    assertThat(restored.count()).isEqualTo(51);
  }

  @Test
  void aContextTooShortOrABrokenStateIsRefused() {
    assertThatThrownBy(() -> RunningStandardizer.forContextFeatures().observe(new double[5])).hasMessageContaining("need 10");
    assertThatThrownBy(() -> new RunningStandardizer.State(0, 1, 1, new double[] {0, 0}, new double[] {-1, 0}))
        .hasMessageContaining("m2");
    assertThatThrownBy(() -> new RunningStandardizer.State(0, 1, 1, new double[] {0}, new double[] {0, 0}))
        .hasMessageContaining("2 values");
  }
}
