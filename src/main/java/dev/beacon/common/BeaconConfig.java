package dev.beacon.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Map;

/**
 * Loads the configuration once: application.conf with its environment overrides, plus what is
 * derived from {@code beacon.db} for the journal plugin (URL, driver, Slick profile).
 */
public final class BeaconConfig {
  private BeaconConfig() {}

  /** The process configuration: application.conf, environment overrides, then derived values. */
  public static Config load() {
    return withDerived(ConfigFactory.load());
  }

  /**
   * The process configuration with {@code overrides} over application.conf, resolved after they
   * are merged, so that a value derived from another in application.conf (the consumer's poll
   * size from the batch size) follows an override of it. System properties still win.
   */
  public static Config load(Config overrides) {
    return withDerived(ConfigFactory.defaultOverrides().withFallback(overrides)
        .withFallback(ConfigFactory.defaultApplication()).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  /**
   * Adds the derived journal settings, Pekko's seed nodes from {@code beacon.cluster.seed-nodes} and
   * the split-brain resolver's lease-majority when {@code beacon.cluster.lease} is on, to an already
   * resolved configuration (tests build theirs).
   */
  public static Config withDerived(Config resolved) {
    var db = DatabaseSettings.from(resolved.getConfig("beacon"));
    var prefix = "pekko-persistence-jdbc.shared-databases.beacon.";
    var derived = ConfigFactory.parseMap(Map.of(
        prefix + "profile", db.slickProfile(),
        prefix + "db.url", db.effectiveUrl(),
        prefix + "db.driver", db.driver(),
        prefix + "db.user", db.user(),
        prefix + "db.password", db.password(),
        prefix + "db.numThreads", db.maxPoolSize(),
        prefix + "db.maxConnections", db.maxPoolSize(),
        "pekko.projection.jdbc.dialect", db.isPostgres() ? "postgres-dialect" : "h2-dialect"));
    var seeds = new ArrayList<String>();
    for (var seed : resolved.getString("beacon.cluster.seed-nodes").split(",")) {
      if (!seed.isBlank()) seeds.add(seed.strip());
    }
    if (!seeds.isEmpty()) derived = derived.withFallback(ConfigFactory.parseMap(Map.of("pekko.cluster.seed-nodes", seeds)));
    if (resolved.getBoolean("beacon.cluster.lease")) {
      derived = derived.withFallback(ConfigFactory.parseMap(Map.of("pekko.cluster.split-brain-resolver.active-strategy", "lease-majority")));
    }
    return derived.withFallback(resolved).resolve();
  }
}
