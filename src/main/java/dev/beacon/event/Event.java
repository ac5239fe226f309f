package dev.beacon.event;

import dev.beacon.common.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * The one normalised event inside Beacon, whatever wire format it came in. Money is exact:
 * {@code valueMicros} is millionths of the currency unit (cost for impressions and clicks,
 * conversion value or purchase revenue otherwise).
 *
 * @param eventId the id the sender gave, or the SHA-256 of a canonical form ({@link EventIds})
 * @param format the wire format's name ({@code campaign}, {@code ga4})
 * @param name the event's own name: the campaign event type, or GA4's {@code event_name}
 * @param type the campaign metric this event counts as, or null when it counts as none
 * @param campaignId the campaign the event belongs to, or null
 * @param userId the user (GA4 {@code user_id} / {@code user_pseudo_id}, campaign {@code metadata.userId}), or null
 * @param sessionId the session, unique per organisation, or null
 * @param durationMillis view duration (campaign views) or engagement time (GA4)
 * @param source where the visit came from (source / medium / campaign), or null
 * @param userAgent the browser's user agent, or null
 * @param ipAddress the client's IP address as sent, or null
 * @param consent what the user agreed to, as this event says ({@link Consent#UNSAID} when it says nothing)
 */
public record Event(
    String eventId,
    String format,
    String organizationId,
    String name,
    EventType type,
    String campaignId,
    String userId,
    String sessionId,
    Instant timestamp,
    long valueMicros,
    String currency,
    long durationMillis,
    TrafficSource source,
    String transactionId,
    String deviceType,
    String location,
    String pageLocation,
    List<Item> items,
    String userAgent,
    String ipAddress,
    Consent consent)
    implements CborSerializable {

  public Event {
    items = items == null ? List.of() : List.copyOf(items);
    if (consent == null) consent = Consent.UNSAID;
  }

  public boolean hasUser() {
    return userId != null;
  }

  public boolean hasCampaign() {
    return campaignId != null;
  }

  /** The Kafka key that keeps this event in order with its entity: the user, else the campaign. */
  public String partitionKey() {
    return organizationId + "|" + (userId != null ? userId : campaignId);
  }

  /** Where a visit came from, as GA4 names it. */
  public record TrafficSource(String source, String medium, String campaign) implements CborSerializable {}

  /** One purchased or viewed item. */
  public record Item(String itemId, String itemName, long priceMicros, long quantity) implements CborSerializable {}
}
