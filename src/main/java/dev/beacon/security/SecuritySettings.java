package dev.beacon.security;

import com.typesafe.config.Config;
import dev.beacon.common.StartupFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code beacon.security}: the bootstrap admin key (from the setting, or from the file it names),
 * how long a checked key is trusted, and the rate limit of each scope. {@code adminKey} is null
 * when none is configured: the API is then open, and only on a loopback address.
 */
public record SecuritySettings(String adminKey, String adminKeySource, Duration keyCacheTtl, Map<Scope, RateLimit> rateLimits) {
  /** Shorter than this, a bootstrap key is too easy to guess. */
  static final int MIN_ADMIN_KEY_LENGTH = 24;

  /** A token bucket: {@code perSecond} requests a second on average, {@code burst} at once. */
  public record RateLimit(long perSecond, long burst) {}

  public SecuritySettings {
    rateLimits = Map.copyOf(rateLimits);
  }

  /** Reads the block; an admin key that is set twice, unreadable or too short is a {@link StartupFailure}. */
  public static SecuritySettings from(Config c) {
    var inline = c.getString("admin-key").strip();
    var file = c.getString("admin-key-file").strip();
    if (!inline.isEmpty() && !file.isEmpty()) {
      throw new StartupFailure("the admin key is set twice: give BEACON_ADMIN_KEY or BEACON_ADMIN_KEY_FILE, not both", null);
    }
    String key = null;
    String source = null;
    if (!inline.isEmpty()) {
      key = inline;
      source = "BEACON_ADMIN_KEY";
    } else if (!file.isEmpty()) {
      key = readKeyFile(Path.of(file));
      source = "BEACON_ADMIN_KEY_FILE " + file;
    }
    if (key != null && (key.length() < MIN_ADMIN_KEY_LENGTH || key.chars().anyMatch(Character::isWhitespace))) {
      throw new StartupFailure("the admin key from " + source + " must be at least " + MIN_ADMIN_KEY_LENGTH
          + " characters without spaces (for instance: openssl rand -hex 24)", null);
    }
    var limits = new EnumMap<Scope, RateLimit>(Scope.class);
    for (var scope : Scope.values()) {
      var limit = c.getConfig("rate-limits." + scope.wireName());
      var perSecond = limit.getLong("per-second");
      var burst = limit.getLong("burst");
      if (perSecond < 1 || burst < 1) {
        throw new StartupFailure("beacon.security.rate-limits." + scope.wireName() + ": per-second and burst must be at least 1", null);
      }
      limits.put(scope, new RateLimit(perSecond, Math.max(burst, perSecond)));
    }
    return new SecuritySettings(key, source, c.getDuration("key-cache-ttl"), limits);
  }

  /** Whether requests need a key: an admin key is configured. */
  public boolean keysRequired() {
    return adminKey != null;
  }

  /**
   * The bind rule: without an admin key the API listens on a loopback address only, so that an
   * open server is never reachable from another machine by accident.
   */
  public void checkBind(String host) {
    if (keysRequired() || isLoopback(host)) return;
    throw new StartupFailure("HTTP on " + host + " (BEACON_HTTP_HOST) needs an admin key: set BEACON_ADMIN_KEY or "
        + "BEACON_ADMIN_KEY_FILE, or listen on 127.0.0.1; without a key anyone who reaches the port could read and "
        + "write every organization", null);
  }

  static boolean isLoopback(String host) {
    try {
      for (var address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) return false;
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String readKeyFile(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new StartupFailure("the admin key file " + file.toAbsolutePath() + " (BEACON_ADMIN_KEY_FILE) cannot be read: "
          + StartupFailure.rootReason(e), e);
    }
  }

  @Override
  public String toString() {
    // the key itself never goes into a log line or an error message
    return "SecuritySettings[adminKey=" + (keysRequired() ? "(from " + adminKeySource + ")" : "none") + ", keyCacheTtl="
        + keyCacheTtl + ", rateLimits=" + rateLimits + "]";
  }
}
