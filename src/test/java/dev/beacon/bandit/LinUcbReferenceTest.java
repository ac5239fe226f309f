package dev.beacon.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link LinUcb} (Sherman–Morrison, Cholesky every K updates, forgetting) against
 * {@link LinUcbReference} (A re-inverted from scratch for every score) on generated settings and
 * random traffic: the same scores, probabilities and choices at every step, to 1e-9, and A⁻¹ to
 * 1e-9 at the end; and the probabilities of every decision form a distribution with the ε floor.
 */
class LinUcbReferenceTest {
  private static final double TOLERANCE = 1e-9;

  /** Settings and traffic: how many arms, steps, and the seed of contexts, rewards and draws. */
  record Run(LinUcbSettings settings, int arms, int steps, long seed) {}

  @Provide
  Arbitrary<Run> runs() {
    var settings = Combinators.combine(Arbitraries.integers().between(1, 8), Arbitraries.doubles().between(0, 2),
        Arbitraries.doubles().between(0.1, 5), Arbitraries.doubles().between(0.01, 1),
        Arbitraries.oneOf(Arbitraries.just(1.0), Arbitraries.doubles().between(0.8, 1)), Arbitraries.integers().between(1, 40))
        .as(LinUcbSettings::new);
    return Combinators.combine(settings, Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 300),
        Arbitraries.longs()).as(Run::new);
  }

  @Property(tries = 300)
  void scoresProbabilitiesAndChoicesEqualTheReference(@ForAll("runs") Run run) {
    var d = run.settings().dimension();
    var arms = armIds(run.arms());
    var model = LinUcb.withArms(run.settings(), arms, new SplittableRandom(run.seed()));
    var reference = new LinUcbReference(run.settings(), arms, new SplittableRandom(run.seed()));
    var traffic = new SplittableRandom(run.seed() ^ 0x5DEECE66DL);
    for (var step = 0; step < run.steps(); step++) {
      var x = new double[d];
      for (var i = 0; i < d; i++) x[i] = traffic.nextGaussian();
      var decision = model.decide(x);
      var expected = reference.decide(x);
      for (var i = 0; i < arms.size(); i++) {
        var arm = arms.get(i);
        assertThat(decision.score(arm)).as("score of %s at step %d", arm, step).isCloseTo(expected.scores()[i], within(TOLERANCE));
        assertThat(decision.probability(arm)).as("probability of %s at step %d", arm, step)
            .isCloseTo(expected.probabilities()[i], within(TOLERANCE));
      }
      assertThat(decision.arm()).as("choice at step %d", step).isEqualTo(expected.arm());
      // mostly the arm chosen, as rewards come; now and then another, as a late or outside reward would
      var rewarded = traffic.nextInt(4) == 0 ? arms.get(traffic.nextInt(arms.size())) : decision.arm();
      var reward = traffic.nextDouble();
      model.update(rewarded, x, reward);
      reference.update(rewarded, x, reward);
    }
    var exported = model.export();
    for (var arm : exported.arms()) {
      var expected = reference.inverse(arm.id());
      for (var i = 0; i < d; i++) {
        for (var j = 0; j < d; j++) assertThat(arm.aInverse()[i][j]).as("A⁻¹[%d][%d] of %s", i, j, arm.id()).isCloseTo(expected[i][j], within(TOLERANCE));
      }
    }
  }

  @Property(tries = 200)
  void probabilitiesAddUpToOneAndKeepTheEpsilonFloor(@ForAll("runs") Run run) {
    var d = run.settings().dimension();
    var arms = armIds(run.arms());
    var model = LinUcb.withArms(run.settings(), arms, new SplittableRandom(run.seed()));
    var traffic = new SplittableRandom(run.seed() + 1);
    var floor = run.settings().epsilon() / arms.size();
    for (var step = 0; step < run.steps(); step++) {
      var x = new double[d];
      for (var i = 0; i < d; i++) x[i] = traffic.nextGaussian();
      var decision = model.decide(x);
      var probabilities = decision.probabilities();
      assertThat(probabilities.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
      assertThat(probabilities.values()).allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(floor));
      assertThat(decision.propensity()).isEqualTo(decision.probability(decision.arm()));
      var top = decision.scores().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      var tied = decision.scores().values().stream().filter(score -> score == top).count();
      // the arms with the top score share 1 − ε on top of the floor; the others have the floor
      decision.scores().forEach((arm, score) -> assertThat(decision.probability(arm))
          .isCloseTo(score == top ? floor + (1 - run.settings().epsilon()) / tied : floor, within(1e-15)));
      model.update(decision.arm(), x, traffic.nextDouble());
    }
  }

  private static List<String> armIds(int count) {
    var ids = new ArrayList<String>();
    for (var i = 0; i < count; i++) ids.add("campaign-" + i);
    return ids;
  }
}
