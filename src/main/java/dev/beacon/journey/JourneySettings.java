package dev.beacon.journey;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code beacon.journey}: the per-user dedup window and snapshots. */
public record JourneySettings(Duration dedupWindow, int dedupMaxIds, int snapshotEvery) {

  public static JourneySettings from(Config c) {
    return new JourneySettings(c.getDuration("dedup-window"), c.getInt("dedup-max-ids"), c.getInt("snapshot-every"));
  }
}
