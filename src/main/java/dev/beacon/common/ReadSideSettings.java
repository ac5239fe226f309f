package dev.beacon.common;

import com.typesafe.config.Config;

/** {@code beacon.read-side}: connections of the read side. */
public record ReadSideSettings(int poolSize) {
  public static ReadSideSettings from(Config c) {
    return new ReadSideSettings(c.getInt("pool-size"));
  }
}
