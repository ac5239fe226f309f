package dev.beacon.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The engagement score: frequency, engaged time and depth add points; recency fades them by the half-life. */
class EngagementScoreTest {
  private static final EngagementScore.Weights WEIGHTS =
      new EngagementScore.Weights(1, 0.05, 1, 10, Duration.ofDays(7), 20);
  private static final long T = 1_764_590_400_000L;
  private static final long DAY = 86_400_000L;

  @Test
  void eachPartOfAnEventAddsItsWeight() {
    var score = EngagementScore.NONE.plus(T, 20_000, true, true, WEIGHTS);
    assertThat(score.points()).isCloseTo(1 + 0.05 * 20 + 1 + 10, within(1e-9));
    assertThat(score.at(T, WEIGHTS)).isEqualTo(Math.round(1000 * (1 - Math.exp(-13.0 / 20))) / 10.0);
  }

  @Test
  void pointsHalveEveryHalfLife() {
    var score = EngagementScore.NONE.plus(T, 0, false, true, WEIGHTS);
    var later = score.plus(T + 7 * DAY, 0, false, false, WEIGHTS);
    assertThat(later.points()).isCloseTo(11 * 0.5 + 1, within(1e-9));
    assertThat(score.at(T + 14 * DAY, WEIGHTS)).isLessThan(score.at(T + 7 * DAY, WEIGHTS));
    assertThat(score.at(T + 7 * DAY, WEIGHTS)).isLessThan(score.at(T, WEIGHTS));
  }

  @Test
  void theOrderOfEventsDoesNotMatter() {
    var inOrder = EngagementScore.NONE.plus(T, 5_000, true, false, WEIGHTS).plus(T + DAY, 0, false, true, WEIGHTS);
    var late = EngagementScore.NONE.plus(T + DAY, 0, false, true, WEIGHTS).plus(T, 5_000, true, false, WEIGHTS);
    assertThat(late.atMillis()).isEqualTo(inOrder.atMillis());
    assertThat(late.points()).isCloseTo(inOrder.points(), within(1e-9));
  }

  @Test
  void moreActivityScoresHigherAndNoneScoresZero() {
    assertThat(EngagementScore.NONE.at(T, WEIGHTS)).isZero();
    var one = EngagementScore.NONE.plus(T, 0, true, false, WEIGHTS);
    var many = one;
    for (int i = 1; i < 30; i++) many = many.plus(T + i * 60_000L, 30_000, true, false, WEIGHTS);
    assertThat(many.at(T + DAY, WEIGHTS)).isGreaterThan(one.at(T + DAY, WEIGHTS)).isLessThanOrEqualTo(100);
  }
}
