package dev.beacon.campaign;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code beacon.campaign}: windows, dedup and session bounds, snapshots, passivation, anomaly alerts. */
public record CampaignSettings(
    Duration minuteWindow,
    Duration dayRetention,
    Duration dedupWindow,
    int dedupMaxIds,
    Duration sessionTimeout,
    int maxOpenSessions,
    int snapshotEvery,
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
        AnomalySettings.from(c.getConfig("anomalies")));
  }
}
