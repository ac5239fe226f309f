package dev.beacon.attribution;

import dev.beacon.common.CborSerializable;
import java.util.Objects;

/**
 * One marketing touch of a user's journey: the channel and campaign of a session's traffic
 * source, at the session's start. A missing campaign is {@code (not set)}, as GA4 names it.
 */
public record Touchpoint(String channel, String campaign, long timestampMillis) implements CborSerializable {
  public static final String NO_CAMPAIGN = "(not set)";

  public Touchpoint {
    Objects.requireNonNull(channel, "channel");
    if (campaign == null || campaign.isBlank()) campaign = NO_CAMPAIGN;
  }
}
