package dev.beacon.bandit.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The estimators on arrays small enough to work out by hand. */
class OffPolicyEstimatesTest {
  private static final double EXACT = 1e-15;

  @Test
  void replayIsTheMeanRewardOfTheMatchedRounds() {
    // matched rounds 1, 2 and 5: rewards 1, 0, 1; mean 2/3
    // deviations 1/3, −2/3, 1/3: squares add to 6/9; sample variance 6/9 / 2 = 1/3; SE √(1/3 / 3) = 1/3
    var estimates = OffPolicyEstimates.of(new double[] {1, 0, 1, 0, 1}, new double[] {1, 1, 1, 1, 1},
        new boolean[] {true, true, false, false, true});
    assertThat(estimates.matched()).isEqualTo(3);
    assertThat(estimates.replay().value()).isCloseTo(2.0 / 3, within(EXACT));
    assertThat(estimates.replay().standardError()).isCloseTo(1.0 / 3, within(EXACT));
    assertThat(estimates.replay().effectiveSampleSize()).isEqualTo(3);
  }

  @Test
  void ipsAndSnipsWeightEachRewardByItsImportance() {
    // r = 1, 0, 2, 1; w = 2, 1, 0.5, 0.5 (Σw = 4, Σw² = 5.5)
    // IPS: r·w = 2, 0, 1, 0.5, mean 3.5/4 = 0.875; deviations 1.125, −0.875, 0.125, −0.375,
    //   squares 1.265625 + 0.765625 + 0.015625 + 0.140625 = 2.1875; SE √(2.1875 / 3 / 4) = √(0.18229166…)
    // SNIPS: 3.5 / 4 = 0.875 as well; w(r − 0.875) = 0.25, −0.875, 0.5625, 0.0625,
    //   squares 0.0625 + 0.765625 + 0.31640625 + 0.00390625 = 1.1484375; SE √1.1484375 / 4
    // ESS: 4² / 5.5 = 2.909090…
    var estimates = OffPolicyEstimates.of(new double[] {1, 0, 2, 1}, new double[] {2, 1, 0.5, 0.5},
        new boolean[] {false, false, false, false});
    assertThat(estimates.ips().value()).isCloseTo(0.875, within(EXACT));
    assertThat(estimates.ips().standardError()).isCloseTo(Math.sqrt(2.1875 / 12), within(EXACT));
    assertThat(estimates.selfNormalizedIps().value()).isCloseTo(0.875, within(EXACT));
    assertThat(estimates.selfNormalizedIps().standardError()).isCloseTo(Math.sqrt(1.1484375) / 4, within(EXACT));
    assertThat(estimates.ips().effectiveSampleSize()).isCloseTo(16 / 5.5, within(EXACT));
    assertThat(estimates.selfNormalizedIps().effectiveSampleSize()).isCloseTo(16 / 5.5, within(EXACT));
    assertThat(estimates.meanWeight()).isEqualTo(1.0);
  }

  @Test
  void snipsDiffersFromIpsWhenTheWeightsDoNotAverageOne() {
    // r = 1, 0; w = 3, 1: IPS (3 + 0)/2 = 1.5; SNIPS 3/4 = 0.75;
    // SNIPS SE √(9·0.0625 + 1·0.5625) / 4 = √1.125 / 4; ESS 16/10
    var estimates = OffPolicyEstimates.of(new double[] {1, 0}, new double[] {3, 1}, new boolean[] {true, false});
    assertThat(estimates.ips().value()).isEqualTo(1.5);
    assertThat(estimates.selfNormalizedIps().value()).isEqualTo(0.75);
    assertThat(estimates.selfNormalizedIps().standardError()).isCloseTo(Math.sqrt(1.125) / 4, within(EXACT));
    assertThat(estimates.ips().effectiveSampleSize()).isCloseTo(1.6, within(EXACT));
    assertThat(estimates.meanWeight()).isEqualTo(2.0);
  }

  @Test
  void whatCannotBeEstimatedIsNaN() {
    var noMatch = OffPolicyEstimates.of(new double[] {1, 0}, new double[] {1, 1}, new boolean[] {false, false});
    assertThat(noMatch.replay().value()).isNaN();
    assertThat(noMatch.replay().standardError()).isNaN();
    assertThat(noMatch.replay().effectiveSampleSize()).isZero();
    var oneMatch = OffPolicyEstimates.of(new double[] {1, 0}, new double[] {1, 1}, new boolean[] {true, false});
    assertThat(oneMatch.replay().value()).isEqualTo(1.0);
    assertThat(oneMatch.replay().standardError()).isNaN();
    var oneRound = OffPolicyEstimates.of(new double[] {1}, new double[] {2}, new boolean[] {true});
    assertThat(oneRound.ips().value()).isEqualTo(2.0);
    assertThat(oneRound.ips().standardError()).isNaN();
    assertThat(oneRound.selfNormalizedIps().standardError()).isZero();
  }
}
