package dev.beacon.campaign;

import com.typesafe.config.Config;
import dev.beacon.behaviour.TrafficRules;
import java.time.Duration;

/**
 * {@code beacon.campaign}: windows, dedup and session bounds, snapshots, passivation, anomaly
 * alerts; and the invalid-traffic rules that need only the event ({@code beacon.behaviour.invalid-traffic}),
 * which the campaign applies to the events no journey flagged (none when {@code beacon.behaviour.enabled = off}).
 */
public record CampaignSettings(
    Duration minuteWindow,
    Duration dayRetention,
    Duration dedupWindow,
    int dedupMaxIds,
    Duration sessionTimeout,
    int maxOpenSessions,
    int snapshotEvery,
    TrafficRules traffic,
    AnomalySettings anomalies) {

  public CampaignSettings {
    if (minuteWindow.compareTo(Duration.ofHours(24)) > 0) {
      throw new IllegalArgumentException("beacon.campaign.minute-window: at most 24h");
    }
  }

  public static CampaignSettings from(Config c) {
    return new CampaignSettings(
        c.getDuration("minute-window"),
        c.getDuration("day-retention"),
        c.getDuration("dedup-window"),
        c.getInt("dedup-max-ids"),
        c.getDuration("session-timeout"),
        c.getInt("max-open-sessions"),
        c.getInt("snapshot-every"),
        c.getBoolean("behaviour-enabled") ? TrafficRules.from(c.getConfig("invalid-traffic")) : TrafficRules.NONE,
        AnomalySettings.from(c.getConfig("anomalies")));
  }
}
