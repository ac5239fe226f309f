package dev.beacon.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.campaign.AnomalyDetector.Hour;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {
  static final AnomalySettings SETTINGS = new AnomalySettings(true, 3.5, 6, 100, 20, 0.25, 200);
  private static final long NOON = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
  private final AnomalyDetector detector = new AnomalyDetector(SETTINGS);

  /** 1,000 impressions an hour with these clicks, none converting; 1 per click spent. */
  static Hour hour(long clicks) {
    return new Hour(1_000, clicks, 0, clicks * 1_000_000);
  }

  static List<Hour> history(long... clicks) {
    var hours = new ArrayList<Hour>();
    for (var c : clicks) hours.add(hour(c));
    return hours;
  }

  @Test
  void anHourLikeTheOnesBeforeRaisesNothing() {
    var alerts = detector.judge(NOON, hour(52), history(48, 50, 51, 49, 53, 47, 50, 52), 0, 0);
    assertThat(alerts).isEmpty();
  }

  @Test
  void aCollapseInClicksAlertsOnCtrAndSpendBelow() {
    var alerts = detector.judge(NOON, hour(20), history(48, 50, 51, 49, 53, 47, 50, 52), 0, 0);
    assertThat(alerts).extracting(Alert::metric).containsExactly(Alert.CTR, Alert.SPEND_PACE);
    var ctr = alerts.get(0);
    assertThat(ctr.direction()).isEqualTo(Alert.BELOW);
    assertThat(ctr.value()).isEqualTo(2.0);
    assertThat(ctr.expected()).isEqualTo(5.0);
    assertThat(ctr.score()).isLessThan(-3.5);
    assertThat(ctr.hour()).isEqualTo(Instant.ofEpochMilli(NOON));
  }

  @Test
  void oneSpikeInTheBaselineDoesNotHideTheNextOne() {
    // a mean and standard deviation would take the spike in; the median and MAD do not
    var alerts = detector.judge(NOON, hour(150), history(50, 51, 49, 150, 50, 52, 48, 50), 0, 0);
    assertThat(alerts).extracting(Alert::metric).contains(Alert.CTR, Alert.SPEND_PACE);
  }

  @Test
  void aSmallHourIsNotJudged() {
    var small = new Hour(40, 20, 0, 0);
    assertThat(detector.judge(NOON, small, history(48, 50, 51, 49, 53, 47, 50, 52), 0, 0))
        .extracting(Alert::metric).doesNotContain(Alert.CTR);
  }

  @Test
  void tooShortAHistoryJudgesNothing() {
    assertThat(detector.judge(NOON, hour(200), history(50, 50, 50, 50, 50), 0, 0)).isEmpty();
  }

  @Test
  void aConversionRateDropAlertsOnceClicksAreEnough() {
    var history = Collections.nCopies(6, new Hour(1_000, 100, 5, 100_000_000));
    var noConversions = new Hour(1_000, 100, 0, 100_000_000);
    assertThat(detector.judge(NOON, noConversions, history, 0, 0))
        .extracting(Alert::metric).containsExactly(Alert.CONVERSION_RATE);
  }

  @Test
  void spendAboveTheBudgetsEvenPaceAlerts() {
    // by 13:00 the day is 13/24 gone: a 240 budget paces 130, and 130 x 1.25 = 162.5 is tolerated
    var budget = 240_000_000L;
    assertThat(detector.judge(NOON, hour(50), List.of(), budget, 160_000_000L)).isEmpty();
    var alerts = detector.judge(NOON, hour(50), List.of(), budget, 200_000_000L);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.metric()).isEqualTo(Alert.BUDGET_PACE);
      assertThat(a.value()).isEqualTo(200.0);
      assertThat(a.expected()).isEqualTo(130.0);
      assertThat(a.direction()).isEqualTo(Alert.ABOVE);
    });
  }

  @Test
  void robustZIsTheDistanceFromTheMedianInScaledMads() {
    // median 10, deviations 0,1,1,2,2 → MAD 1 → σ ≈ 1.4826
    assertThat(AnomalyDetector.robustZ(13, new double[] {8, 9, 10, 11, 12}))
        .isCloseTo(3 / 1.4826, org.assertj.core.data.Offset.offset(1e-9));
  }
}
