package dev.beacon.privacy;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code beacon.privacy}: how often the pending erasure requests are looked at (a new one is
 * started at once), and how long an erasure waits for the read side to read the journal rows it
 * is about to delete before it gives up and tries again at the next look.
 */
public record PrivacySettings(Duration erasureInterval, Duration readSideWait) {
  public PrivacySettings {
    if (erasureInterval.isNegative() || erasureInterval.isZero()) throw new IllegalArgumentException("beacon.privacy.erasure-interval: must be positive");
    if (readSideWait.isNegative() || readSideWait.isZero()) throw new IllegalArgumentException("beacon.privacy.read-side-wait: must be positive");
  }

  public static PrivacySettings from(Config c) {
    return new PrivacySettings(c.getDuration("erasure-interval"), c.getDuration("read-side-wait"));
  }
}
