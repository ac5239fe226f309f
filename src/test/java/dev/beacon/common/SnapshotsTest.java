package dev.beacon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** Snapshot periods are spread over entities, so entities started together do not snapshot together. */
class SnapshotsTest {

  @Test
  void periodsLieBetweenEveryAndOneAndAHalfTimesEveryAndAreSpread() {
    var counts = new HashMap<Integer, Integer>();
    for (var i = 0; i < 10_000; i++) {
      var period = Snapshots.period(500, "Campaign|acme|campaign-" + i);
      assertTrue(period >= 500 && period < 750, "period " + period);
      counts.merge(period, 1, Integer::sum);
    }
    assertEquals(250, counts.size(), "every period in the range is used");
    assertTrue(counts.values().stream().allMatch(n -> n < 100), "no period takes more than 1 % of the entities: " + counts);
  }

  @Test
  void anEntityAlwaysGetsTheSamePeriodAndTinyPeriodsStayExact() {
    assertEquals(Snapshots.period(500, "Journey|acme|b7"), Snapshots.period(500, "Journey|acme|b7"));
    assertEquals(2, Snapshots.period(2, "Campaign|acme|x"));
    assertEquals(1, Snapshots.period(1, "Campaign|acme|x"));
  }
}
