package dev.beacon.bandit;


import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Exact forgetting: a model trained on a stream of several users' rewarded decisions that then
 * forgets one user equals, in A, b, A⁻¹ and θ to 1e-9 (relative where values are large), the model
 * trained on the same stream without that user's entries; with re-inversions every few updates,
 * so that both models' A⁻¹ have been kept by Sherman–Morrison and replaced by Cholesky in between.
 */
class LinUcbForgettingProperties {
  private static final int D = 4;
  private static final List<String> ARMS = List.of("a", "b", "c");

  /** One learned update: whose, which arm, the context and the reward. */
  record Step(int user, int arm, List<Double> context, double reward) {
    double[] x() {
      return context.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  @Provide
  Arbitrary<List<Step>> streams() {
    var value = Arbitraries.doubles().between(-3, 3).ofScale(3);
    var step = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, ARMS.size() - 1),
        value.list().ofSize(D - 1), Arbitraries.doubles().between(-1, 2).ofScale(2))
        .as((user, arm, rest, reward) -> {
          var context = new ArrayList<Double>();
          context.add(1.0); // the bias, as a model's contexts have
          context.addAll(rest);
          return new Step(user, arm, context, reward);
        });
    return step.list().ofMinSize(0).ofMaxSize(120);
  }

  @Property(tries = 200)
  void forgettingAUserEqualsNeverHavingLearnedFromThem(@ForAll("streams") List<Step> stream, @ForAll @IntRange(min = 0, max = 3) int forgotten,
      @ForAll @IntRange(min = 1, max = 12) int reinvertEvery) {
    var settings = new LinUcbSettings(D, 0.7, 1.5, 0.05, 1.0, reinvertEvery);
    var all = LinUcb.withArms(settings, ARMS, new SplittableRandom(1));
    var without = LinUcb.withArms(settings, ARMS, new SplittableRandom(1));
    var contributions = new HashMap<String, ArmContribution>();
    for (var step : stream) {
      var arm = ARMS.get(step.arm());
      all.update(arm, step.x(), step.reward());
      if (step.user() == forgotten) {
        contributions.merge(arm, ArmContribution.none(arm, D).plus(step.x(), step.reward()), (had, one) -> had.plus(step.x(), step.reward()));
      } else {
        without.update(arm, step.x(), step.reward());
      }
    }

    all.forget(List.copyOf(contributions.values()));

    ParameterAssertions.assertEquivalent(all.export(), without.export());
  }
}
