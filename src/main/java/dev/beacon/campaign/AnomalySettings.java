package dev.beacon.campaign;

import com.typesafe.config.Config;

/**
 * {@code beacon.campaign.anomalies}: the robust z-score above which a closed hour alerts, how
 * many earlier hours it needs as a baseline, the volume below which an hour is not judged (so
 * that a handful of events does not alarm), the budget pace tolerated over the even pace, and
 * how many alerts a campaign keeps.
 */
public record AnomalySettings(
    boolean enabled, double threshold, int minHistoryHours, long minImpressions, long minClicks,
    double budgetTolerance, int keep) {

  public AnomalySettings {
    if (threshold <= 0) throw new IllegalArgumentException("beacon.campaign.anomalies.threshold: must be above 0");
    if (minHistoryHours < 3) throw new IllegalArgumentException("beacon.campaign.anomalies.min-history-hours: at least 3");
    if (budgetTolerance < 0) throw new IllegalArgumentException("beacon.campaign.anomalies.budget-tolerance: at least 0");
    if (keep < 1) throw new IllegalArgumentException("beacon.campaign.anomalies.keep: at least 1");
  }

  public static AnomalySettings from(Config c) {
    return new AnomalySettings(c.getBoolean("enabled"), c.getDouble("threshold"), c.getInt("min-history-hours"),
        c.getLong("min-impressions"), c.getLong("min-clicks"), c.getDouble("budget-tolerance"), c.getInt("keep"));
  }
}
