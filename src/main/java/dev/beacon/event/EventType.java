package dev.beacon.event;

import java.util.Locale;
import java.util.Optional;

/** The seven campaign event kinds that campaign metrics count. */
public enum EventType {
  IMPRESSION, CLICK, CONVERSION, VIEW, ENGAGEMENT, COMPLETION, SKIP;

  /** The wire name: lower case, as the campaign-event JSON spells it. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<EventType> fromWire(String name) {
    if (name == null) return Optional.empty();
    for (var type : values()) {
      if (type.wireName().equals(name)) return Optional.of(type);
    }
    return Optional.empty();
  }

  /** Impressions and clicks carry a cost in {@code value}; conversions carry their value. */
  public boolean carriesCost() {
    return this == IMPRESSION || this == CLICK;
  }
}
