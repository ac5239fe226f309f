package dev.beacon.campaign;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Judges a campaign's closed hour against the hours before it, with a robust z-score: the
 * distance from the median of the earlier hours in units of their median absolute deviation
 * (scaled by 1.4826, so that it estimates the standard deviation of normal data), which neither
 * one spike in the baseline nor a long tail moves. Measures: CTR (hours with at least
 * {@code min-impressions}), conversion rate (hours with at least {@code min-clicks}) and spend
 * per hour (once the baseline spends at all); each needs {@code min-history-hours} such hours. The
 * deviation has a floor of 5 % of the median, so that a perfectly steady baseline (MAD 0) does
 * not make a rounding wobble an anomaly. With a daily budget set, the day's spend by the hour's
 * end is also judged against the even pace (budget x fraction of the day gone).
 */
final class AnomalyDetector {
  /** 1.4826·MAD estimates σ for normal data. */
  private static final double MAD_TO_SIGMA = 1.4826;
  /** The least deviation, as a fraction of the median: below it every difference would be "infinitely" unusual. */
  private static final double RELATIVE_FLOOR = 0.05;
  /** And at least this much in the measure's unit (percentage points, currency units), for a baseline of zeros. */
  private static final double ABSOLUTE_FLOOR = 0.001;
  private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
  private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

  private final AnomalySettings settings;

  AnomalyDetector(AnomalySettings settings) {
    this.settings = settings;
  }

  /** One hour's totals. */
  record Hour(long impressions, long clicks, long conversions, long spendMicros) {
    double ctr() {
      return 100.0 * clicks / impressions;
    }

    double conversionRate() {
      return 100.0 * conversions / clicks;
    }
  }

  /**
   * The alerts of the hour starting at {@code hourStartMillis}: {@code hour} against
   * {@code history} (the earlier hours, any order), and the day's spend so far against the
   * daily budget (0 = none).
   */
  List<Alert> judge(long hourStartMillis, Hour hour, List<Hour> history, long dailyBudgetMicros, long spentTodayMicros) {
    var at = Instant.ofEpochMilli(hourStartMillis);
    var alerts = new ArrayList<Alert>();
    if (hour.impressions() >= settings.minImpressions()) {
      judge(Alert.CTR, at, hour, history.stream().filter(h -> h.impressions() >= settings.minImpressions()).toList(),
          Hour::ctr, alerts);
    }
    if (hour.clicks() >= settings.minClicks()) {
      judge(Alert.CONVERSION_RATE, at, hour, history.stream().filter(h -> h.clicks() >= settings.minClicks()).toList(),
          Hour::conversionRate, alerts);
    }
    var spendHistory = history.stream().filter(h -> h.impressions() + h.clicks() + h.conversions() > 0).toList();
    if (median(values(spendHistory, Hour::spendMicros)) > 0) {
      judge(Alert.SPEND_PACE, at, hour, spendHistory, h -> h.spendMicros() / 1e6, alerts);
    }
    if (dailyBudgetMicros > 0) {
      var dayGone = (double) (Math.floorMod(hourStartMillis, DAY_MILLIS) + HOUR_MILLIS) / DAY_MILLIS;
      var allowed = dailyBudgetMicros * dayGone * (1 + settings.budgetTolerance());
      if (spentTodayMicros > allowed) {
        var even = dailyBudgetMicros * dayGone / 1e6;
        alerts.add(new Alert(Alert.BUDGET_PACE, at, round(spentTodayMicros / 1e6), round(even),
            round(spentTodayMicros / 1e6 / even), Alert.ABOVE));
      }
    }
    return alerts;
  }

  private void judge(String metric, Instant at, Hour hour, List<Hour> history, ToDoubleFunction<Hour> measure,
      List<Alert> alerts) {
    if (history.size() < settings.minHistoryHours()) return;
    var value = measure.applyAsDouble(hour);
    var baseline = values(history, measure);
    var score = robustZ(value, baseline);
    if (Math.abs(score) > settings.threshold()) {
      alerts.add(new Alert(metric, at, round(value), round(median(baseline)), round(score),
          score > 0 ? Alert.ABOVE : Alert.BELOW));
    }
  }

  /** (x − median) / max(1.4826·MAD, 5 % of |median|, 0.001). */
  static double robustZ(double x, double[] baseline) {
    var median = median(baseline);
    var deviations = new double[baseline.length];
    for (int i = 0; i < baseline.length; i++) deviations[i] = Math.abs(baseline[i] - median);
    var scale = Math.max(MAD_TO_SIGMA * median(deviations), Math.max(RELATIVE_FLOOR * Math.abs(median), ABSOLUTE_FLOOR));
    return (x - median) / scale;
  }

  static double median(double[] values) {
    if (values.length == 0) return 0;
    var sorted = values.clone();
    Arrays.sort(sorted);
    var mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static double[] values(List<Hour> hours, ToDoubleFunction<Hour> measure) {
    return hours.stream().mapToDouble(measure).toArray();
  }

  private static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }
}
