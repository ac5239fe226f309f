package dev.beacon.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a key may do: write events, read what Beacon knows, or administer its organisation. */
public enum Scope {
  /** Write events (HTTP intake, imports). */
  INGEST,
  /** Metrics, attribution, journeys, the live feed, subscriptions. */
  READ,
  /** Keys, the simulator, models, erasure. */
  ADMIN;

  /** The name in requests and answers: {@code ingest}, {@code read}, {@code admin}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Scope> fromWire(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
  }
}
