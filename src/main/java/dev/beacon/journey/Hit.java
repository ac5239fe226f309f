package dev.beacon.journey;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.beacon.attribution.Touchpoint;
import dev.beacon.common.CborSerializable;

/**
 * An admitted event in compact form: what the journey needs of it, its traffic source already
 * mapped to a channel and campaign ({@code (not set)} when none), whether it is a conversion, and
 * the device type it came from (null when unknown, and in hits journaled before it was kept).
 * Journaled by {@link JourneyEventSerializer}; in snapshots (a user's recent events) an array,
 * not an object, as a snapshot holds many and the field names would double their size: add
 * fields at the end only (an older, shorter array reads with the missing fields null).
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"userId", "name", "timestampMillis", "sessionId", "channel", "campaign", "engagementMillis",
    "valueMicros", "transactionId", "conversion", "deviceType"})
public record Hit(String userId, String name, long timestampMillis, String sessionId, String channel,
    String campaign, long engagementMillis, long valueMicros, String transactionId, boolean conversion,
    String deviceType) implements CborSerializable {
  public Hit {
    if (campaign == null || campaign.isBlank()) campaign = Touchpoint.NO_CAMPAIGN;
  }
}
