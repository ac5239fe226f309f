package dev.beacon.ops;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code beacon.metrics}: how often the meters that are read, not counted, are read ({@link PolledMeters}). */
public record MetricsSettings(Duration interval) {
  public static MetricsSettings from(Config c) {
    return new MetricsSettings(c.getDuration("interval"));
  }
}
