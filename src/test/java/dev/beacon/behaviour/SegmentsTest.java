package dev.beacon.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bandit.context.CustomerProfile;
import dev.beacon.common.BeaconConfig;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The segment rules of application.conf: first match wins, any rule of a segment puts a user in it, else default. */
class SegmentsTest {
  private static final long NOW = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();
  private static final long DAY = 86_400_000L;
  private static final Segments SEGMENTS = Segments.from(BeaconConfig.load().getConfig("beacon.behaviour"));

  private static CustomerProfile buyer(long purchases, double spent, long firstDaysAgo, long lastDaysAgo) {
    return new CustomerProfile(purchases, spent, NOW - firstDaysAgo * DAY, NOW - lastDaysAgo * DAY, 3, 1, 9, "desktop", "Email");
  }

  @Test
  void eachSegmentOfTheDefaultRules() {
    assertThat(SEGMENTS.segmentOf(buyer(3, 1500, 200, 100).history(), NOW)).as("spent 1,500, even if lapsed").isEqualTo("high_value");
    assertThat(SEGMENTS.segmentOf(buyer(1, 300, 200, 100).history(), NOW)).as("one order of 300").isEqualTo("high_value");
    assertThat(SEGMENTS.segmentOf(buyer(2, 80, 200, 120).history(), NOW)).isEqualTo("at_risk");
    assertThat(SEGMENTS.segmentOf(buyer(6, 300, 200, 3).history(), NOW)).isEqualTo("frequent_buyer");
    assertThat(SEGMENTS.segmentOf(CustomerProfile.unknown("mobile", "Direct").history(), NOW)).isEqualTo("new");
    assertThat(SEGMENTS.segmentOf(buyer(1, 40, 10, 10).history(), NOW)).isEqualTo("new");
    assertThat(SEGMENTS.segmentOf(buyer(2, 90, 60, 20).history(), NOW)).isEqualTo("default");
  }

  @Test
  void everySegmentHasAModelFromTheStartDefaultLast() {
    assertThat(SEGMENTS.names()).containsExactly("high_value", "at_risk", "frequent_buyer", "new", "default");
  }
}
