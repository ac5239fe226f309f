package dev.beacon.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateMeterTest {

  @Test
  void theRateIsTheMeanOfTheLastWholeSeconds() {
    var meter = new RateMeter(5);
    var t0 = 1_000_000L;
    for (int second = 0; second < 5; second++) {
      for (int i = 0; i < 10 * (second + 1); i++) meter.record(t0 + second * 1000L + i);
    }
    // seconds 0..4 held 10, 20, 30, 40, 50 events; at second 5 the window is all of them
    assertThat(meter.perSecond(t0 + 5_000)).isEqualTo(30.0);
    // the event in the current second does not count yet
    meter.record(t0 + 5_100);
    assertThat(meter.perSecond(t0 + 5_200)).isEqualTo(30.0);
    // one second later the first second has left the window
    assertThat(meter.perSecond(t0 + 6_000)).isEqualTo((20 + 30 + 40 + 50 + 1) / 5.0);
    assertThat(meter.perSecond(t0 + 60_000)).isZero();
  }

  @Test
  void batchesCountEveryEventTheyHold() {
    var meter = new RateMeter(60);
    var t0 = 3_600_000L;
    for (int second = 0; second < 60; second++) meter.record(t0 + second * 1000L, 120);
    assertThat(meter.perSecond(t0 + 60_000)).isEqualTo(120.0);
    // a batch in the second in progress leaves the oldest second of the full window counted
    meter.record(t0 + 60_500, 6_000);
    assertThat(meter.perSecond(t0 + 60_900)).isEqualTo(120.0);
    assertThat(meter.perSecond(t0 + 61_000)).isEqualTo((59 * 120 + 6_000) / 60.0);
  }
}
