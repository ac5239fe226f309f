package dev.beacon.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The SIVT rules over a user's activity: velocity per window, repeated clicks on one campaign, clicks without engagement. */
class ActivityTest {
  private static final Activity.Limits LIMITS = new Activity.Limits(Duration.ofMinutes(1), 3, Duration.ofSeconds(30),
      Duration.ZERO);
  private static final long T = 1_764_590_400_000L; // 2025-12-01T12:00:00Z, a minute's start

  @Test
  void eventsBeyondTheLimitOfOneWindowAreFlaggedAndTheNextWindowStartsAgain() {
    var activity = Activity.NONE;
    for (int i = 0; i < 3; i++) {
      assertThat(activity.judge(T + i * 1000, false, null, LIMITS)).as("event " + i).isNull();
      activity = activity.plus(T + i * 1000, false, false, null, LIMITS);
    }
    assertThat(activity.judge(T + 59_000, false, null, LIMITS)).isEqualTo(InvalidTraffic.SIVT_VELOCITY);
    activity = activity.plus(T + 59_000, false, false, null, LIMITS);
    assertThat(activity.windowEvents()).as("flagged events count too").isEqualTo(4);
    assertThat(activity.judge(T + 60_000, false, null, LIMITS)).as("next minute").isNull();
  }

  @Test
  void aLateEventInAnEarlierWindowIsNeitherJudgedByNorCountedInTheCurrentOne() {
    var activity = Activity.NONE;
    for (int i = 0; i < 3; i++) activity = activity.plus(T + 60_000 + i, false, false, null, LIMITS);
    assertThat(activity.judge(T + 1_000, false, null, LIMITS)).isNull();
    assertThat(activity.plus(T + 1_000, false, false, null, LIMITS)).isEqualTo(activity);
  }

  @Test
  void aClickOnTheSameCampaignWithinTheWindowOfThePreviousIsFlagged() {
    var activity = Activity.NONE.plus(T, true, false, "spring", LIMITS);
    assertThat(activity.judge(T + 30_000, true, "spring", LIMITS)).isEqualTo(InvalidTraffic.SIVT_REPEATED_CLICK);
    assertThat(activity.judge(T + 30_001, true, "spring", LIMITS)).as("after the window").isNull();
    assertThat(activity.judge(T + 5_000, true, "summer", LIMITS)).as("another campaign").isNull();
    assertThat(activity.judge(T + 5_000, false, "spring", LIMITS)).as("not a click").isNull();
    // a burst: each click is measured from the previous one, so the whole burst after the first is flagged
    var burst = activity.plus(T + 20_000, true, false, "spring", LIMITS);
    assertThat(burst.judge(T + 45_000, true, "spring", LIMITS)).isEqualTo(InvalidTraffic.SIVT_REPEATED_CLICK);
  }

  @Test
  void aClickSoonAfterAnotherWithNothingEngagingBetweenIsFlaggedWhenTheRuleIsOn() {
    var on = new Activity.Limits(Duration.ofMinutes(1), 100, Duration.ZERO, Duration.ofMinutes(5));
    var clicked = Activity.NONE.plus(T, true, false, "spring", on);
    assertThat(clicked.judge(T + 60_000, true, "summer", on)).isEqualTo(InvalidTraffic.SIVT_UNENGAGED_CLICK);
    assertThat(clicked.judge(T + 300_001, true, "summer", on)).as("after the window").isNull();
    assertThat(clicked.judge(T + 60_000, false, "summer", on)).as("not a click").isNull();
    var engaged = clicked.plus(T + 10_000, false, true, "spring", on);
    assertThat(engaged.judge(T + 60_000, true, "summer", on)).as("a page view came between").isNull();
    var clickedAgain = engaged.plus(T + 60_000, true, false, "summer", on);
    assertThat(clickedAgain.judge(T + 90_000, true, "spring", on)).as("each click starts again")
        .isEqualTo(InvalidTraffic.SIVT_UNENGAGED_CLICK);
    assertThat(clicked.judge(T + 60_000, true, "summer", LIMITS)).as("off: zero window").isNull();
    var late = clicked.plus(T - 10_000, false, true, "spring", on);
    assertThat(late.judge(T + 60_000, true, "summer", on)).as("engagement before the click is not after it")
        .isEqualTo(InvalidTraffic.SIVT_UNENGAGED_CLICK);
  }

  @Test
  void reasonCodesSayTheirClass() {
    assertThat(InvalidTraffic.GIVT_KNOWN_BOT.category()).isEqualTo("GIVT");
    assertThat(InvalidTraffic.SIVT_REPEATED_CLICK.category()).isEqualTo("SIVT");
  }
}
