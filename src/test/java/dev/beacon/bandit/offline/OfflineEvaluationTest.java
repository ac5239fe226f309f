package dev.beacon.bandit.offline;

import static dev.beacon.testing.TestData.BANDIT_TINY_LOG;
import static dev.beacon.testing.TestData.OPEN_BANDIT_BTS;
import static dev.beacon.testing.TestData.OPEN_BANDIT_RANDOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The policies over logs: the tiny hand-made log (5 rounds, 3 items, propensities 0.5, 0.25,
 * 0.2, 0.4, 0.8, rewards 1, 0, 1, 0, 1), the Open Bandit slices against obd_reference.py (see the
 * README beside them), and LinUCB on a log made up so that one item pays.
 */
class OfflineEvaluationTest {
  private static final double EXACT = 1e-15;
  // obd_reference.py prints 17 significant digits; the sums run in a different order here
  private static final double REFERENCE = 1e-15;

  private static EvaluationResult evaluate(BanditLog log, EvaluationPolicy policy) {
    return OfflineEvaluation.run(log, EvaluationOptions.of(policy));
  }

  @Test
  void uniformOnTheTinyLogGivesTheHandComputedFigures() throws IOException {
    var estimates = evaluate(BanditLogTest.read(BANDIT_TINY_LOG), EvaluationPolicy.UNIFORM).estimates();
    // π = 1/3: w = (1/3)/p = 2/3, 4/3, 5/3, 5/6, 5/12; Σw = 59/12, Σw² = 845/144
    // IPS: r·w = 2/3, 0, 5/3, 0, 5/12, Σ = 11/4, IPS = 11/20;
    //   Σ(r·w − 11/20)² = 113/60, SE = √(113/60 / 4 / 5) = √(113/1200)
    assertThat(estimates.ips().value()).isCloseTo(0.55, within(EXACT));
    assertThat(estimates.ips().standardError()).isCloseTo(Math.sqrt(113.0 / 1200), within(EXACT));
    // SNIPS = (11/4) / (59/12) = 33/59; r − 33/59 = 26/59 (rewarded) or −33/59;
    //   Σ w²(r − V)² = (26/59)²·(4/9 + 25/9 + 25/144) + (33/59)²·(16/9 + 25/36) = 29927/20886
    assertThat(estimates.selfNormalizedIps().value()).isCloseTo(33.0 / 59, within(EXACT));
    assertThat(estimates.selfNormalizedIps().standardError()).isCloseTo(Math.sqrt(29927.0 / 20886) / (59.0 / 12), within(EXACT));
    // ESS = (59/12)² / (845/144) = 3481/845
    assertThat(estimates.ips().effectiveSampleSize()).isCloseTo(3481.0 / 845, within(1e-14));
    assertThat(estimates.meanWeight()).isCloseTo(59.0 / 60, within(EXACT));
  }

  @Test
  void uniformReplayCountsTheRoundsWhereItsDrawIsTheLoggedItem() throws IOException {
    var log = BanditLogTest.read(BANDIT_TINY_LOG);
    var result = evaluate(log, EvaluationPolicy.UNIFORM);
    // the same draws, from the same seed: one nextInt(3) per round
    var draws = new SplittableRandom(EvaluationOptions.DEFAULT_SEED);
    var matched = 0;
    var rewards = 0.0;
    for (var round : log.rounds()) {
      if (draws.nextInt(3) == round.item()) {
        matched++;
        rewards += round.reward();
      }
    }
    assertThat(result.estimates().matched()).isEqualTo(matched);
    assertThat(result.estimates().replay().effectiveSampleSize()).isEqualTo(matched);
    if (matched > 0) assertThat(result.estimates().replay().value()).isEqualTo(rewards / matched);
  }

  @Test
  void theLoggedPolicyEstimatesTheMeanLoggedReward() throws IOException {
    var result = evaluate(BanditLogTest.read(BANDIT_TINY_LOG), EvaluationPolicy.LOGGED);
    var estimates = result.estimates();
    // w = p/p = 1: every estimate is the mean reward 3/5, over all 5 rounds
    // r − 3/5 = 2/5 (three times) or −3/5 (twice): Σ squares = 12/25 + 18/25 = 6/5
    assertThat(result.meanLoggedReward()).isCloseTo(0.6, within(EXACT));
    assertThat(estimates.replay().value()).isCloseTo(0.6, within(EXACT));
    assertThat(estimates.ips().value()).isCloseTo(0.6, within(EXACT));
    assertThat(estimates.selfNormalizedIps().value()).isCloseTo(0.6, within(EXACT));
    // IPS and replay: √(6/5 / 4 / 5) = √0.06; SNIPS: √(6/5) / 5
    assertThat(estimates.ips().standardError()).isCloseTo(Math.sqrt(0.06), within(EXACT));
    assertThat(estimates.replay().standardError()).isCloseTo(Math.sqrt(0.06), within(EXACT));
    assertThat(estimates.selfNormalizedIps().standardError()).isCloseTo(Math.sqrt(1.2) / 5, within(EXACT));
    assertThat(estimates.ips().effectiveSampleSize()).isEqualTo(5.0);
    assertThat(estimates.matched()).isEqualTo(5);
  }

  @Test
  void onTheUniformlyRandomSliceUniformAndLoggedAreTheMeanReward() throws IOException {
    var log = BanditLogTest.read(OPEN_BANDIT_RANDOM);
    for (var policy : new EvaluationPolicy[] {EvaluationPolicy.UNIFORM, EvaluationPolicy.LOGGED}) {
      var result = evaluate(log, policy);
      // obd_reference.py: 200 rounds, 2 clicks
      assertThat(result.meanLoggedReward()).isEqualTo(0.01);
      assertThat(result.estimates().ips().value()).isCloseTo(0.01, within(REFERENCE));
      assertThat(result.estimates().ips().standardError()).isCloseTo(0.007053278933842965, within(REFERENCE));
      assertThat(result.estimates().selfNormalizedIps().value()).isCloseTo(0.01, within(REFERENCE));
      assertThat(result.estimates().selfNormalizedIps().standardError()).isCloseTo(0.007035623639735145, within(REFERENCE));
      assertThat(result.estimates().ips().effectiveSampleSize()).isCloseTo(200.0, within(1e-10));
      assertThat(result.uniformLog()).isTrue();
    }
  }

  @Test
  void onTheThompsonSamplingSliceUniformIsReweighted() throws IOException {
    var log = BanditLogTest.read(OPEN_BANDIT_BTS);
    var uniform = evaluate(log, EvaluationPolicy.UNIFORM).estimates();
    // obd_reference.py: 400 rounds, 5 clicks, 34 items
    assertThat(uniform.ips().value()).isCloseTo(0.003265930291312769, within(REFERENCE));
    assertThat(uniform.ips().standardError()).isCloseTo(0.0018216957668106524, within(REFERENCE));
    assertThat(uniform.selfNormalizedIps().value()).isCloseTo(0.0032763906540617125, within(REFERENCE));
    assertThat(uniform.selfNormalizedIps().standardError()).isCloseTo(0.001887979681500694, within(REFERENCE));
    assertThat(uniform.ips().effectiveSampleSize()).isCloseTo(47.05757148677565, within(1e-12));
    assertThat(evaluate(log, EvaluationPolicy.UNIFORM).uniformLog()).isFalse();
    var logged = evaluate(log, EvaluationPolicy.LOGGED).estimates();
    assertThat(logged.ips().value()).isCloseTo(0.0125, within(REFERENCE));
    assertThat(logged.ips().standardError()).isCloseTo(0.005562078459710898, within(REFERENCE));
    assertThat(logged.selfNormalizedIps().standardError()).isCloseTo(0.005555121510822243, within(REFERENCE));
  }

  @Test
  void linUcbsFirstChoiceIsUniformAmongItsFreshArms() throws IOException {
    // one round: three fresh arms tie, so π(logged) = 1/3 whatever ε; w = (1/3)/0.25, IPS = r·w
    var log = BanditLog.read(new StringReader("item_id,click,propensity_score\n1,1,0.25\n"), "one.csv",
        Optional.of(new ItemList(java.util.List.of("0", "1", "2"), "three items")));
    var estimates = evaluate(log, EvaluationPolicy.LINUCB).estimates();
    assertThat(estimates.ips().value()).isCloseTo(4.0 / 3, within(EXACT));
    assertThat(estimates.meanWeight()).isCloseTo(4.0 / 3, within(EXACT));
  }

  @Test
  void linUcbLearnsFromTheMatchedRoundsToPreferTheItemThatPays() throws IOException {
    // a uniformly random log of 3 items over 3,000 rounds: item "b" is clicked 60% of the time, the others 10%
    var world = new SplittableRandom(5);
    var csv = new StringBuilder("item_id,click,propensity_score\n");
    for (var i = 0; i < 3_000; i++) {
      var item = world.nextInt(3);
      csv.append("abc".charAt(item)).append(',').append(world.nextDouble() < (item == 1 ? 0.6 : 0.1) ? 1 : 0).append(",0.3333333333333333\n");
    }
    var log = BanditLog.read(new StringReader(csv.toString()), "made-up.csv", Optional.empty());
    var linUcb = evaluate(log, EvaluationPolicy.LINUCB);
    var uniform = evaluate(log, EvaluationPolicy.UNIFORM);
    // uniform earns about (0.6 + 0.1 + 0.1)/3 = 0.27; LinUCB, once it has learned, 0.6 most of the time
    assertThat(uniform.estimates().ips().value()).isBetween(0.23, 0.31);
    assertThat(linUcb.estimates().ips().value()).isGreaterThan(0.5);
    assertThat(linUcb.estimates().replay().value()).isGreaterThan(0.5);
    assertThat(linUcb.estimates().selfNormalizedIps().value()).isGreaterThan(0.5);
    // the same seed, the same run to the bit
    assertThat(evaluate(log, EvaluationPolicy.LINUCB)).isEqualTo(linUcb);
  }
}
