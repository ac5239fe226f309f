package dev.beacon.identity;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code beacon.identity} in application.conf: how many ids' journeys a node keeps in mind
 * ({@link IdentityLinks}), and for how long at most, which bounds how long another node may send
 * an anonymous id's events to its old journey after it was linked to a known user's.
 */
public record IdentitySettings(int cacheSize, Duration cacheTtl) {
  public static IdentitySettings from(Config c) {
    return new IdentitySettings(c.getInt("cache-size"), c.getDuration("cache-ttl"));
  }

  public IdentityLinks links(javax.sql.DataSource dataSource, java.time.Clock clock) {
    return new IdentityLinks(dataSource, clock, cacheSize, cacheTtl);
  }
}
