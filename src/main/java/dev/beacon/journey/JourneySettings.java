package dev.beacon.journey;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code beacon.journey}: the dedup window of events with a user, the number of journey buckets
 * per organisation (each bucket entity holds the journeys of the users hashed to it), the most
 * ids one bucket keeps, and snapshots.
 */
public record JourneySettings(Duration dedupWindow, int dedupMaxIds, int snapshotEvery, int bucketsPerOrganization) {

  public JourneySettings {
    if (bucketsPerOrganization < 1) throw new IllegalArgumentException("beacon.journey.buckets-per-organization: at least 1");
  }

  public static JourneySettings from(Config c) {
    return new JourneySettings(c.getDuration("dedup-window"), c.getInt("dedup-max-ids"), c.getInt("snapshot-every"),
        c.getInt("buckets-per-organization"));
  }
}
