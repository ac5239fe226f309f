package dev.beacon.privacy;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code beacon.privacy}: how often the pending erasure requests are looked at (a new one is
 * started at once), and how long an erasure waits for the read side to read the journal rows it
 * is about to delete before it gives up and tries again at the next look; retention: every how
 * often it is enforced, and the days kept, by default and per organisation (0: no retention beyond
 * the journeys' own bounds).
 */
public record PrivacySettings(Duration erasureInterval, Duration readSideWait, Duration retentionInterval,
    int defaultRetentionDays, Map<String, Integer> retentionDays) {
  public PrivacySettings {
    positive(erasureInterval, "erasure-interval");
    positive(readSideWait, "read-side-wait");
    positive(retentionInterval, "retention.interval");
    if (defaultRetentionDays < 0) throw new IllegalArgumentException("beacon.privacy.retention.default-days: 0 or more");
    retentionDays.forEach((org, days) -> {
      if (days < 0) throw new IllegalArgumentException("beacon.privacy.retention.organizations." + org + ": 0 or more days");
    });
    retentionDays = Map.copyOf(retentionDays);
  }

  public static PrivacySettings from(Config c) {
    var retention = c.getConfig("retention");
    var byOrganization = new TreeMap<String, Integer>();
    var organizations = retention.getConfig("organizations");
    for (var entry : organizations.root().entrySet()) {
      byOrganization.put(entry.getKey(), organizations.getInt("\"" + entry.getKey() + "\""));
    }
    return new PrivacySettings(c.getDuration("erasure-interval"), c.getDuration("read-side-wait"),
        retention.getDuration("interval"), retention.getInt("default-days"), byOrganization);
  }

  /** The days an organisation's journeys and journal events are kept, when it has a retention. */
  public Optional<Integer> retentionDays(String organizationId) {
    var days = retentionDays.getOrDefault(organizationId, defaultRetentionDays);
    return days > 0 ? Optional.of(days) : Optional.empty();
  }

  private static void positive(Duration duration, String key) {
    if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("beacon.privacy." + key + ": must be positive");
  }
}
