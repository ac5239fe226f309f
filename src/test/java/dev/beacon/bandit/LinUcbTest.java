package dev.beacon.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.beacon.common.Json;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What LinUCB learns and how it chooses: toy problems, ties, the ε floor, forgetting, drift, arms. */
class LinUcbTest {
  private static final double[] BIAS = {1.0};

  @Test
  void learnsTheBestArmWhenRewardsDoNotDependOnTheContext() {
    // click rates 0.2, 0.5 and 0.8; the context is a constant and two noise features
    var rates = new HashMap<String, Double>();
    rates.put("low", 0.2);
    rates.put("middle", 0.5);
    rates.put("high", 0.8);
    var settings = new LinUcbSettings(3, 0.5, 1.0, 0.05, 1.0, 100);
    var model = LinUcb.withArms(settings, List.of("low", "middle", "high"), new SplittableRandom(1));
    var world = new SplittableRandom(2);
    var highChosen = 0;
    for (var round = 0; round < 4_000; round++) {
      double[] x = {1, world.nextGaussian() * 0.1, world.nextGaussian() * 0.1};
      var decision = model.decide(x);
      if (round >= 3_000 && decision.arm().equals("high")) highChosen++;
      model.update(decision.arm(), x, world.nextDouble() < rates.get(decision.arm()) ? 1 : 0);
    }
    // exploitation 1 − ε plus the ε/3 share of exploration: about 96.7% of the last 1,000 rounds
    assertThat(highChosen).isGreaterThan(930);
    var last = model.decide(new double[] {1, 0, 0});
    assertThat(last.probability("high")).isCloseTo(1 - 0.05 + 0.05 / 3, within(1e-15));
    assertThat(last.probability("low")).isCloseTo(0.05 / 3, within(1e-15));
  }

  @Test
  void learnsWhichArmSuitsWhichContext() {
    // "left" pays when the second feature is −1, "right" when it is +1, both with noise
    var settings = new LinUcbSettings(2, 0.3, 1.0, 0.1, 1.0, 100);
    var model = LinUcb.withArms(settings, List.of("left", "right"), new SplittableRandom(3));
    var world = new SplittableRandom(4);
    for (var round = 0; round < 2_000; round++) {
      var side = world.nextBoolean() ? 1.0 : -1.0;
      double[] x = {1, side};
      var decision = model.decide(x);
      var pays = decision.arm().equals("right") == side > 0;
      model.update(decision.arm(), x, (pays ? 1 : 0) + world.nextGaussian() * 0.1);
    }
    var onTheLeft = model.decide(new double[] {1, -1});
    var onTheRight = model.decide(new double[] {1, 1});
    assertThat(onTheLeft.score("left")).isGreaterThan(onTheLeft.score("right"));
    assertThat(onTheRight.score("right")).isGreaterThan(onTheRight.score("left"));
    assertThat(onTheLeft.probability("left")).isCloseTo(0.95, within(1e-15));
    assertThat(onTheRight.probability("right")).isCloseTo(0.95, within(1e-15));
  }

  @Test
  void freshArmsTieAndAreChosenEvenly() {
    var model = LinUcb.withArms(LinUcbSettings.of(2), List.of("a", "b", "c", "d"), new SplittableRandom(5));
    var counts = new HashMap<String, Integer>();
    for (var i = 0; i < 4_000; i++) {
      var decision = model.decide(new double[] {1, 0.5});
      assertThat(decision.probabilities()).containsOnlyKeys("a", "b", "c", "d").allSatisfy((arm, p) -> assertThat(p).isEqualTo(0.25));
      counts.merge(decision.arm(), 1, Integer::sum);
    }
    // binomial(4000, 1/4): standard deviation 27, so ±100 is more than 3.5 of them
    assertThat(counts.values()).hasSize(4).allSatisfy(count -> assertThat(count).isBetween(900, 1_100));
  }

  @Test
  void armsTiedAtTheTopShareTheTopProbability() {
    var epsilon = 0.2;
    var model = LinUcb.withArms(new LinUcbSettings(1, 1.0, 1.0, epsilon, 1.0, 100), List.of("a", "b", "c", "d"),
        new SplittableRandom(6));
    // a and b learn the same, to the bit; c and d learn that they pay nothing
    for (var i = 0; i < 20; i++) {
      model.update("a", BIAS, 1);
      model.update("b", BIAS, 1);
      model.update("c", BIAS, 0);
      model.update("d", BIAS, 0);
    }
    var chosenA = 0;
    for (var i = 0; i < 2_000; i++) {
      var decision = model.decide(BIAS);
      assertThat(decision.score("a")).isEqualTo(decision.score("b")).isGreaterThan(decision.score("c"));
      assertThat(decision.probability("a")).isEqualTo(decision.probability("b")).isEqualTo((1 - epsilon) / 2 + epsilon / 4);
      assertThat(decision.probability("c")).isEqualTo(decision.probability("d")).isEqualTo(epsilon / 4);
      if (decision.arm().equals("a")) chosenA++;
    }
    // P(a) = 0.45: binomial(2000, 0.45) has mean 900 and standard deviation 22
    assertThat(chosenA).isBetween(820, 980);
  }

  @Test
  void epsilonGreedyScoresAreTheEstimatesAlone() {
    var model = LinUcb.withArms(LinUcbSettings.epsilonGreedy(1, 0.1), List.of("a", "b"), new SplittableRandom(7));
    model.update("a", BIAS, 1);
    model.update("a", BIAS, 1);
    model.update("b", BIAS, 1);
    var decision = model.decide(BIAS);
    // θ = Σr / (λ + n): 2/3 and 1/2, no exploration bonus
    assertThat(decision.score("a")).isCloseTo(2.0 / 3, within(1e-15));
    assertThat(decision.score("b")).isCloseTo(0.5, within(1e-15));
    assertThat(decision.probability("a")).isCloseTo(0.95, within(1e-15));
  }

  @Test
  void theScoreIsTheEstimatePlusAlphaTimesTheWidth() {
    var model = LinUcb.withArms(new LinUcbSettings(1, 2.0, 1.0, 0.05, 1.0, 100), List.of("a"), new SplittableRandom(8));
    model.update("a", new double[] {2}, 3);
    // A = 1 + 4 = 5, b = 6, θ = 1.2; at x = 1: 1.2 + 2·√(1/5)
    assertThat(model.decide(BIAS).score("a")).isCloseTo(1.2 + 2 * Math.sqrt(0.2), within(1e-15));
  }

  @Test
  void forgettingFollowsARewardThatMoves() {
    var remembering = LinUcb.withArms(new LinUcbSettings(1, 0, 1.0, 0.05, 1.0, 100), List.of("a", "b"), new SplittableRandom(9));
    var forgetting = LinUcb.withArms(new LinUcbSettings(1, 0, 1.0, 0.05, 0.95, 100), List.of("a", "b"), new SplittableRandom(9));
    for (var model : List.of(remembering, forgetting)) {
      // a paid for a long time, then stopped; b starts paying
      for (var i = 0; i < 500; i++) {
        model.update("a", BIAS, 1);
        model.update("b", BIAS, 0);
      }
      for (var i = 0; i < 100; i++) {
        model.update("a", BIAS, 0);
        model.update("b", BIAS, 1);
      }
    }
    // without forgetting a still has 500 of 600 rewards; with γ = 0.95 its last 100 updates weigh almost all
    assertThat(remembering.decide(BIAS).score("a")).isGreaterThan(0.8);
    assertThat(remembering.decide(BIAS).probability("a")).isCloseTo(0.975, within(1e-15));
    assertThat(forgetting.decide(BIAS).score("a")).isLessThan(0.01);
    // b: Σγ^i over its 100 rewards ≈ 19.9 against A ≈ 1 + 19.9 (the ridge is back to λ after every 100 updates)
    assertThat(forgetting.decide(BIAS).score("b")).isGreaterThan(0.94);
    assertThat(forgetting.decide(BIAS).probability("b")).isCloseTo(0.975, within(1e-15));
  }

  @Test
  void forgettingWearsTheRidgeDownAndEachReinversionRestoresIt() {
    var settings = new LinUcbSettings(1, 1.0, 2.0, 0.05, 0.5, 4);
    var model = LinUcb.withArms(settings, List.of("a"), new SplittableRandom(10));
    for (var i = 0; i < 3; i++) model.update("a", BIAS, 1);
    var worn = model.export().arms().get(0);
    // ρ = 2·0.5³; A = ρ + 0.25 + 0.5 + 1 (the three updates, the older ones halved)
    assertThat(worn.ridge()).isEqualTo(0.25);
    assertThat(worn.a()[0][0]).isEqualTo(2.0);
    model.update("a", BIAS, 1);
    var restored = model.export().arms().get(0);
    assertThat(restored.ridge()).isEqualTo(2.0);
    assertThat(restored.a()[0][0]).isEqualTo(2 + 0.125 + 0.25 + 0.5 + 1);
    assertThat(restored.aInverse()[0][0]).isEqualTo(1 / 3.875);
  }

  @Test
  void reinversionBoundsTheDrift() {
    // nearly collinear features, a small ridge and forgetting (A⁻¹ does not shrink as data comes):
    // Sherman–Morrison drifts (without forgetting its drift stays about as small as 10 updates make it)
    var settings = new LinUcbSettings(4, 1.0, 1e-3, 0.05, 0.99, 10);
    var reinverted = LinUcb.withArms(settings, List.of("a"), new SplittableRandom(11));
    var kept = LinUcb.withArms(settings.withReinvertEvery(Integer.MAX_VALUE), List.of("a"), new SplittableRandom(11));
    var world = new SplittableRandom(12);
    var largestMeasured = 0.0;
    for (var i = 0; i < 10_000; i++) {
      var base = world.nextGaussian();
      double[] x = {1, base, base + 1e-3 * world.nextGaussian(), world.nextGaussian()};
      var reward = world.nextDouble();
      reinverted.update("a", x, reward);
      kept.update("a", x, reward);
      largestMeasured = Math.max(largestMeasured, reinverted.drift());
    }
    // the 10,000th update was followed by a re-inversion: nothing has drifted since
    assertThat(reinverted.measureDrift()).isZero();
    assertThat(largestMeasured).isPositive().isLessThan(1e-6);
    assertThat(kept.drift()).isZero();
    assertThat(kept.measureDrift()).isGreaterThan(100 * largestMeasured);
  }

  @Test
  void aReinversionThatFindsANumericallySingularAKeepsTheKeptInverseAndSaysSo() throws Exception {
    // λ = 1e-20 vanishes next to 1 in floating point: A = λI + xxᵀ with x = (1, 1) is singular there
    var model = LinUcb.withArms(new LinUcbSettings(2, 1.0, 1e-20, 0.05, 1.0, 1), List.of("a"), new SplittableRandom(17));
    model.update("a", new double[] {1, 1}, 1);
    assertThat(model.drift()).isInfinite();
    assertThat(model.measureDrift()).isInfinite();
    assertThat(model.decide(new double[] {1, 0}).score("a")).isFinite();
    // the export still goes through JSON and back
    var json = Json.MAPPER.writeValueAsString(model.export());
    var restored = LinUcb.restore(Json.MAPPER.readValue(json, LinUcbParameters.class), new SplittableRandom(17));
    assertThat(restored.drift()).isInfinite();
  }

  @Test
  void drawsOnlyOneRandomNumberPerDecision() {
    var random = new SplittableRandom(13);
    var model = LinUcb.withArms(LinUcbSettings.of(1), List.of("a", "b", "c"), random);
    model.decide(BIAS);
    model.update("a", BIAS, 1);
    model.decide(BIAS);
    var twin = new SplittableRandom(13);
    twin.nextDouble();
    twin.nextDouble();
    assertThat(random.nextLong()).isEqualTo(twin.nextLong());
  }

  @Test
  void anArmAddedLaterStartsFreshAndOthersKeepWhatTheyLearned() {
    var model = LinUcb.withArms(new LinUcbSettings(1, 0, 1.0, 0.05, 1.0, 100), List.of("a"), new SplittableRandom(14));
    model.update("a", BIAS, 1);
    model.addArm("b");
    var decision = model.decide(BIAS);
    assertThat(decision.arms()).containsExactly("a", "b");
    assertThat(decision.score("a")).isEqualTo(0.5);
    assertThat(decision.score("b")).isZero();
    assertThat(model.updates()).containsEntry("a", 1L).containsEntry("b", 0L);
  }

  @Test
  void aRemovedArmIsNeitherChosenNorExported() {
    var model = LinUcb.withArms(LinUcbSettings.of(1), List.of("a", "b", "c"), new SplittableRandom(15));
    model.removeArm("b");
    assertThat(model.arms()).containsExactly("a", "c");
    for (var i = 0; i < 200; i++) assertThat(model.decide(BIAS).arm()).isNotEqualTo("b");
    assertThat(model.decide(BIAS).probabilities()).containsOnlyKeys("a", "c");
    assertThat(model.export().arms()).extracting(LinUcbParameters.Arm::id).containsExactly("a", "c");
    model.addArm("b");
    assertThat(model.arms()).containsExactly("a", "c", "b");
  }

  @Test
  void aModelWithoutArmsCannotDecide() {
    var model = new LinUcb(LinUcbSettings.of(1), new SplittableRandom(16));
    assertThatThrownBy(() -> model.decide(BIAS)).isInstanceOf(IllegalStateException.class).hasMessage("the model has no arms");
  }
}
