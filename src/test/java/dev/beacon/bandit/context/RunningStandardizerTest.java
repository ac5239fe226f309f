package dev.beacon.bandit.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Welford's running statistics against the two-pass mean and sample variance, the edges, a restore, and contexts removed. */
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

  @Test
  void removingOneUsersContextsLeavesTheStatisticsOfTheOthersAlone() {
    var random = new Random(11);
    var all = new RunningStandardizer(1, 2);
    var others = new RunningStandardizer(1, 2);
    var user = new RunningStandardizer(1, 2);
    for (int n = 0; n < 300; n++) {
      var x = new double[] {1, 400 + random.nextGaussian() * 30, random.nextDouble() * 5};
      all.observe(x);
      (n % 7 == 3 ? user : others).observe(x);
    }

    all.remove(user);

    var left = all.state();
    var expected = others.state();
    assertThat(left.count()).isEqualTo(expected.count());
    for (int i = 0; i < 2; i++) {
      assertThat(left.mean()[i]).isCloseTo(expected.mean()[i], within(1e-9 * Math.abs(expected.mean()[i])));
      assertThat(left.m2()[i]).isCloseTo(expected.m2()[i], within(1e-9 * expected.m2()[i]));
    }
    var probe = new double[] {1, 420, 2};
    assertThat(all.standardize(probe)[1]).isCloseTo(others.standardize(probe)[1], within(1e-9));
  }

  @Test
  void removingEveryContextLeavesNothingSeen() {
    var all = new RunningStandardizer(0, 0);
    all.observe(new double[] {3});
    all.observe(new double[] {5});

    all.remove(RunningStandardizer.restore(all.state()));

    assertThat(all.count()).isZero();
    assertThat(all.state().mean()).containsExactly(0);
    assertThat(all.state().m2()).containsExactly(0);
  }
}
