package dev.beacon.journey;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.beacon.attribution.Touchpoint;
import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.common.CborSerializable;

/**
 * An admitted event in compact form: what the journey needs of it, its traffic source already
 * mapped to a channel and campaign ({@code (not set)} when none), whether it is a conversion, and
 * the device type it came from (null when unknown, and in hits journaled before it was kept), and
 * why it is invalid traffic (null when valid, and in hits journaled before flags were kept).
 * Journaled by {@link JourneyEventSerializer}; in snapshots (a user's recent events) an array,
 * not an object, as a snapshot holds many and the field names would double their size: add
 * fields at the end only (an older, shorter array reads with the missing fields null).
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"userId", "name", "timestampMillis", "sessionId", "channel", "campaign", "engagementMillis",
    "valueMicros", "transactionId", "conversion", "deviceType", "invalidTraffic"})
public record Hit(String userId, String name, long timestampMillis, String sessionId, String channel,
    String campaign, long engagementMillis, long valueMicros, String transactionId, boolean conversion,
    String deviceType, InvalidTraffic invalidTraffic) implements CborSerializable {
  private static final String CLICK = "click";

  public Hit {
    if (campaign == null || campaign.isBlank()) campaign = Touchpoint.NO_CAMPAIGN;
  }

  /** A hit not flagged as invalid traffic. */
  public Hit(String userId, String name, long timestampMillis, String sessionId, String channel, String campaign,
      long engagementMillis, long valueMicros, String transactionId, boolean conversion, String deviceType) {
    this(userId, name, timestampMillis, sessionId, channel, campaign, engagementMillis, valueMicros, transactionId,
        conversion, deviceType, null);
  }

  /** This hit flagged for {@code reason} (null: valid). */
  Hit flagged(InvalidTraffic reason) {
    if (reason == invalidTraffic) return this;
    return new Hit(userId, name, timestampMillis, sessionId, channel, campaign, engagementMillis, valueMicros,
        transactionId, conversion, deviceType, reason);
  }

  /** Whether the hit shows engagement, as the unengaged-click rule counts it: engagement time, a page view, a conversion. */
  boolean engaging() {
    return engagementMillis > 0 || conversion || "page_view".equals(name);
  }

  /** Whether the hit is a click, as the repeated-click rule counts them. */
  boolean click() {
    return CLICK.equals(name);
  }
}
