package dev.beacon.common;

import com.typesafe.config.Config;

/** {@code beacon.read-side}: connections of the read side, rows of the live event feed per organisation. */
public record ReadSideSettings(int poolSize, int liveFeedSize) {
  public static ReadSideSettings from(Config c) {
    return new ReadSideSettings(c.getInt("pool-size"), c.getInt("live-feed-size"));
  }
}
