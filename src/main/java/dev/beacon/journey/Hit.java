package dev.beacon.journey;

import dev.beacon.attribution.Touchpoint;
import dev.beacon.common.CborSerializable;

/**
 * An admitted event in compact form: what the journey needs of it, its traffic source already
 * mapped to a channel and campaign ({@code (not set)} when none), and whether it is a conversion.
 */
public record Hit(String userId, String name, long timestampMillis, String sessionId, String channel,
    String campaign, long engagementMillis, long valueMicros, String transactionId, boolean conversion)
    implements CborSerializable {
  public Hit {
    if (campaign == null || campaign.isBlank()) campaign = Touchpoint.NO_CAMPAIGN;
  }
}
