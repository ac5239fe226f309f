package dev.beacon.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The edges of exact forgetting: nothing to forget, an arm gone, contributions summed past d, forgetting refused with γ < 1. */
class LinUcbForgettingTest {
  private static final List<String> ARMS = List.of("a", "b");

  @Test
  void forgettingNothingLeavesAandBAsTheyWere() {
    var model = LinUcb.withArms(LinUcbSettings.of(2), ARMS, new SplittableRandom(1));
    model.update("a", new double[] {1, 2}, 1);
    var before = model.export();

    model.forget(List.of());
    model.forget(List.of(ArmContribution.none("a", 2)));

    ParameterAssertions.assertEquivalent(model.export(), before);
  }

  @Test
  void aContributionToAnArmNoLongerThereIsSkipped() {
    var model = LinUcb.withArms(LinUcbSettings.of(2), ARMS, new SplittableRandom(1));
    model.update("b", new double[] {1, 1}, 1);
    var before = model.export();

    model.forget(List.of(ArmContribution.none("gone", 2).plus(new double[] {1, 3}, 1)));

    assertThat(model.export()).isEqualTo(before);
  }

  @Test
  void aContributionSumsItsVectorsOnceTheyReachTheDimensionAndForgetsTheSame() {
    var x = new double[][] {{1, 0.5, -2}, {1, 3, 0.25}, {1, -1, 1}, {1, 2, 2}, {1, 0, -0.5}};
    var contribution = ArmContribution.none("a", 3);
    var model = LinUcb.withArms(LinUcbSettings.of(3).withReinvertEvery(2), ARMS, new SplittableRandom(1));
    for (var i = 0; i < x.length; i++) {
      contribution = contribution.plus(x[i], i);
      model.update("a", x[i], i);
    }

    assertThat(contribution.updates()).isEqualTo(5);
    assertThat(contribution.vectors()).as("the vectors past d = 3 are summed").hasSize(2);
    assertThat(contribution.outer()).hasSize(9);
    model.forget(List.of(contribution));
    ParameterAssertions.assertEquivalent(model.export(),
        LinUcb.withArms(LinUcbSettings.of(3), ARMS, new SplittableRandom(1)).export());
  }

  @Test
  void aModelWithForgettingBelowOneRefusesToForgetUpdates() {
    var model = LinUcb.withArms(new LinUcbSettings(2, 1, 1, 0.05, 0.99, 100), ARMS, new SplittableRandom(1));
    model.update("a", new double[] {1, 2}, 1);
    var before = model.export();

    assertThatThrownBy(() -> model.forget(List.of(ArmContribution.none("a", 2).plus(new double[] {1, 2}, 1))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("forgetting 0.99");
    assertThat(model.export()).isEqualTo(before);
  }
}
