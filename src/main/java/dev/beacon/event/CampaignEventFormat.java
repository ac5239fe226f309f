package dev.beacon.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The campaign-event JSON of the old real-time API: {@code eventType}, {@code campaignId},
 * {@code organizationId}, optional {@code timestamp}, {@code value}, {@code eventId} and
 * {@code metadata} (sessionId, userId, userAgent, deviceType, location, duration, position,
 * source, medium, transactionId, currency, ipAddress, consent {analytics, adPersonalization}, …).
 */
final class CampaignEventFormat implements WireFormat {
  static final String NAME = "campaign";
  private final EventSettings settings;

  CampaignEventFormat(EventSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean recognises(JsonNode root) {
    return root.has("eventType") || root.has("campaignId");
  }

  @Override
  public Event read(JsonNode root, Instant defaultTime, Fields fields, Reasons reasons) {
    fields.required(root, settings.required().getOrDefault(NAME, List.of()));
    var typeName = fields.label(root, "eventType", "eventType");
    var type = EventType.fromWire(typeName).filter(settings.eventTypes()::contains).orElse(null);
    if (typeName != null && type == null) {
      reasons.add("eventType", "unknown event type '" + typeName + "'");
    }
    var metadata = root.get("metadata");
    if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
      reasons.add("metadata", "must be an object");
      metadata = null;
    }
    if (metadata != null && metadata.size() > settings.maxMetadataEntries()) {
      reasons.add("metadata", "more than " + settings.maxMetadataEntries() + " entries");
    }
    var organizationId = fields.organizationId(root, "organizationId", "organizationId");
    var campaignId = fields.label(root, "campaignId", "campaignId");
    var timestamp = fields.withinWindow(fields.timestamp(root.get("timestamp"), "timestamp", defaultTime), "timestamp");
    var valueMicros = fields.micros(root.get("value"), "value");
    var userId = fields.id(metadata, "userId", "metadata.userId");
    var sessionId = fields.id(metadata, "sessionId", "metadata.sessionId");
    var durationMillis = fields.secondsAsMillis(metadata == null ? null : metadata.get("duration"), "metadata.duration");
    var source = metadata == null ? null : new Event.TrafficSource(
        fields.label(metadata, "source", "metadata.source"),
        fields.label(metadata, "medium", "metadata.medium"),
        campaignId);
    var givenId = fields.id(root, "eventId", "eventId");
    var transactionId = fields.id(metadata, "transactionId", "metadata.transactionId");
    var currency = fields.label(metadata, "currency", "metadata.currency");
    var deviceType = fields.label(metadata, "deviceType", "metadata.deviceType");
    var location = fields.text(metadata, "location", "metadata.location");
    var pageLocation = fields.text(metadata, "pageLocation", "metadata.pageLocation");
    var userAgent = fields.text(metadata, "userAgent", "metadata.userAgent");
    var ipAddress = fields.ipAddress(metadata, "ipAddress", "metadata.ipAddress");
    var consent = consent(metadata == null ? null : metadata.get("consent"), fields, reasons);
    if (!reasons.isEmpty()) return null;

    var eventId = givenId != null ? givenId
        : EventIds.canonical(organizationId, userId, typeName, timestamp, campaignId, valueMicros, sessionId);
    return new Event(eventId, NAME, organizationId, typeName, type, campaignId, userId,
        sessionId, timestamp, valueMicros, currency, durationMillis, source, transactionId,
        deviceType, location, pageLocation, List.of(), userAgent, ipAddress, consent);
  }

  /** {@code metadata.consent}: {@code {"analytics": …, "adPersonalization": …}}, each optional. */
  private static Consent consent(JsonNode node, Fields fields, Reasons reasons) {
    if (node == null || node.isNull()) return Consent.UNSAID;
    if (!node.isObject()) {
      reasons.add("metadata.consent", "must be an object");
      return Consent.UNSAID;
    }
    return Consent.of(fields.consentChoice(node, "analytics", "metadata.consent.analytics"),
        fields.consentChoice(node, "adPersonalization", "metadata.consent.adPersonalization"));
  }
}
