package dev.beacon.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refused input: the error names the field and index, and the model is as it was — the
 * same parameters, and the same next decisions as a twin that never saw the refused input (so no
 * random number was drawn either).
 */
class LinUcbInputChecksTest {
  private static final LinUcbSettings SETTINGS = new LinUcbSettings(3, 1.0, 1.0, 0.1, 0.9, 5);
  private LinUcb model;
  private LinUcb twin;

  @BeforeEach
  void train() {
    model = trained();
    twin = trained();
  }

  private static LinUcb trained() {
    var model = LinUcb.withArms(SETTINGS, List.of("a", "b"), new SplittableRandom(1));
    var world = new SplittableRandom(2);
    for (var i = 0; i < 12; i++) {
      double[] x = {1, world.nextGaussian(), world.nextGaussian()};
      model.update(model.decide(x).arm(), x, world.nextDouble());
    }
    return model;
  }

  static Stream<Arguments> badContexts() {
    return Stream.of(
        Arguments.of(null, "context is missing"),
        Arguments.of(new double[] {1, 2}, "context has 2 values, the model's dimension is 3"),
        Arguments.of(new double[] {1, 2, 3, 4}, "context has 4 values, the model's dimension is 3"),
        Arguments.of(new double[] {1, Double.NaN, 3}, "context[1] must be a finite number, got NaN"),
        Arguments.of(new double[] {1, 2, Double.POSITIVE_INFINITY}, "context[2] must be a finite number, got Infinity"),
        Arguments.of(new double[] {Double.NEGATIVE_INFINITY, 2, 3}, "context[0] must be a finite number, got -Infinity"));
  }

  @ParameterizedTest
  @MethodSource("badContexts")
  void aDecisionOnABadContextIsRefused(double[] context, String message) {
    assertThatThrownBy(() -> model.decide(context)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    assertUnchanged();
  }

  @ParameterizedTest
  @MethodSource("badContexts")
  void anUpdateWithABadContextIsRefused(double[] context, String message) {
    assertThatThrownBy(() -> model.update("a", context, 1)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    assertUnchanged();
  }

  @Test
  void aRewardThatIsNotAFiniteNumberIsRefused() {
    for (var reward : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> model.update("a", new double[] {1, 0, 0}, reward)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("reward must be a finite number, got " + reward);
    }
    assertUnchanged();
  }

  @Test
  void valuesWhoseProductsOverflowAreRefused() {
    assertThatThrownBy(() -> model.update("a", new double[] {1, 1e200, 0}, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("context and reward are too large to learn from: context[1] = 1.0E200, reward 1.0; their products overflow");
    assertThatThrownBy(() -> model.update("a", new double[] {1, 1e150, 0}, 1e300)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("context and reward are too large to learn from: context[1] = 1.0E150, reward 1.0E300; their products overflow");
    assertUnchanged();
  }

  @Test
  void anUnknownArmIsRefused() {
    assertThatThrownBy(() -> model.update("z", new double[] {1, 0, 0}, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no arm 'z'; the arms are [a, b]");
    assertThatThrownBy(() -> model.removeArm("z")).isInstanceOf(IllegalArgumentException.class).hasMessage("no arm 'z'");
    assertUnchanged();
  }

  @Test
  void anArmThatIsThereOrBlankCannotBeAdded() {
    assertThatThrownBy(() -> model.addArm("a")).isInstanceOf(IllegalArgumentException.class).hasMessage("arm 'a' is already there");
    assertThatThrownBy(() -> model.addArm(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("an arm id must not be blank");
    assertThatThrownBy(() -> model.addArm(null)).isInstanceOf(IllegalArgumentException.class).hasMessage("an arm id must not be blank");
    assertUnchanged();
  }

  @Test
  void settingsOutOfRangeAreRefusedByName() {
    assertThatThrownBy(() -> new LinUcbSettings(0, 1, 1, 0.1, 1, 10)).hasMessage("dimension must be at least 1, got 0");
    assertThatThrownBy(() -> new LinUcbSettings(3, -1, 1, 0.1, 1, 10)).hasMessage("alpha must be a finite number ≥ 0, got -1.0");
    assertThatThrownBy(() -> new LinUcbSettings(3, Double.NaN, 1, 0.1, 1, 10)).hasMessage("alpha must be a finite number ≥ 0, got NaN");
    assertThatThrownBy(() -> new LinUcbSettings(3, 1, 0, 0.1, 1, 10)).hasMessage("ridge (lambda) must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> new LinUcbSettings(3, 1, 1, 0, 1, 10)).hasMessage("epsilon must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> new LinUcbSettings(3, 1, 1, 1.5, 1, 10)).hasMessage("epsilon must be in (0, 1], got 1.5");
    assertThatThrownBy(() -> new LinUcbSettings(3, 1, 1, 0.1, 0, 10)).hasMessage("forgetting must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> new LinUcbSettings(3, 1, 1, 0.1, 1.01, 10)).hasMessage("forgetting must be in (0, 1], got 1.01");
    assertThatThrownBy(() -> new LinUcbSettings(3, 1, 1, 0.1, 1, 0)).hasMessage("reinvertEvery must be at least 1, got 0");
  }

  private void assertUnchanged() {
    assertThat(model.export()).usingRecursiveComparison().isEqualTo(twin.export());
    var world = new SplittableRandom(3);
    for (var i = 0; i < 20; i++) {
      double[] x = {1, world.nextGaussian(), world.nextGaussian()};
      var decision = model.decide(x);
      var expected = twin.decide(x);
      assertThat(decision.arm()).isEqualTo(expected.arm());
      assertThat(decision.scores()).isEqualTo(expected.scores());
      model.update(decision.arm(), x, 1);
      twin.update(expected.arm(), x, 1);
    }
  }
}
