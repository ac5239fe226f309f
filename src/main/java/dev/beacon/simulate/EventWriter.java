package dev.beacon.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import dev.beacon.simulate.Catalogue.Agent;
import dev.beacon.simulate.Catalogue.Place;
import dev.beacon.simulate.Catalogue.Source;
import dev.beacon.simulate.JourneyPlanner.Kind;
import dev.beacon.simulate.JourneyPlanner.Step;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes planned steps in Beacon's two wire formats: ad events as campaign-event JSON, site
 * events as GA4 export rows. Both name the same user, and the campaign event's session is the
 * one the GA4 parser derives ({@code userId + "." + ga_session_id}), so one journey reads as
 * one journey whichever format an event came in. The purchase row carries no campaign: the
 * campaign's conversion event counts it, once.
 */
final class EventWriter {
  private static final DateTimeFormatter EVENT_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final Map<String, String> TITLES = Catalogue.PRODUCTS.stream()
      .collect(Collectors.toUnmodifiableMap(Catalogue.Product::path, Catalogue.Product::name));

  private EventWriter() {}

  /** Who acts and in which session; {@code adSource} and {@code campaignId} are the journey's paid touch. */
  record Context(String organizationId, String userId, Agent agent, Place place, Source adSource, String campaignId,
      long gaSessionId, long sessionNumber) {
    String sessionId() {
      return userId + "." + gaSessionId;
    }

    String key() {
      return organizationId + "|" + userId;
    }
  }

  static SimulatedEvent write(Context context, Step step, Instant time, String eventId) {
    var json = step.kind().isAd() ? campaignEvent(context, step, time, eventId) : ga4Row(context, step, time);
    return new SimulatedEvent(context.key(), bytes(json), time);
  }

  private static ObjectNode campaignEvent(Context c, Step step, Instant time, String eventId) {
    var event = Json.MAPPER.createObjectNode()
        .put("eventId", eventId)
        .put("eventType", step.kind().wireName())
        .put("campaignId", c.campaignId())
        .put("organizationId", c.organizationId())
        .put("timestamp", time.toString());
    if (step.value() != null) event.put("value", step.value());
    var metadata = event.putObject("metadata")
        .put("sessionId", c.sessionId())
        .put("userId", c.userId())
        .put("userAgent", c.agent().userAgent())
        .put("deviceType", c.agent().deviceType())
        .put("location", c.place().label())
        .put("source", c.adSource().source())
        .put("medium", c.adSource().medium());
    if (step.pageLocation() != null) metadata.put("pageLocation", step.pageLocation());
    if (step.durationSeconds() != null) metadata.put("duration", step.durationSeconds());
    if (step.transactionId() != null) metadata.put("transactionId", step.transactionId());
    if (step.value() != null) metadata.put("currency", "USD");
    return event;
  }

  private static ObjectNode ga4Row(Context c, Step step, Instant time) {
    var row = Json.MAPPER.createObjectNode()
        .put("event_date", EVENT_DATE.format(time))
        .put("event_timestamp", time.getEpochSecond() * 1_000_000L + time.getNano() / 1_000)
        .put("event_name", step.kind().wireName());
    var params = row.putArray("event_params");
    intParam(params, "ga_session_id", c.gaSessionId());
    intParam(params, "ga_session_number", c.sessionNumber());
    stringParam(params, "page_location", step.pageLocation());
    stringParam(params, "page_title", title(step.path()));
    if (step.landing()) {
      // the session's traffic source, as GA4 collects it on the session's first event
      stringParam(params, "source", step.source().source());
      stringParam(params, "medium", step.source().medium());
      stringParam(params, "campaign", step.campaign());
      if (step.referrer() != null) stringParam(params, "page_referrer", step.referrer());
      intParam(params, "entrances", 1);
    }
    intParam(params, "engagement_time_msec", step.engagementMillis());
    if (step.value() != null && step.kind() != Kind.PURCHASE) {
      params.addObject().put("key", "value").putObject("value").put("double_value", step.value());
      stringParam(params, "currency", "USD");
    }
    row.put("user_pseudo_id", c.userId())
        .put("organizationId", c.organizationId())
        .put("platform", "WEB");
    var device = row.putObject("device")
        .put("category", c.agent().deviceType())
        .put("operating_system", c.agent().operatingSystem());
    device.putObject("web_info").put("browser", c.agent().browser()).put("browser_version", c.agent().browserVersion());
    row.putObject("geo").put("country", c.place().country()).put("city", c.place().city());
    if (step.kind() == Kind.PURCHASE) {
      var quantity = step.items().stream().mapToLong(JourneyPlanner.Line::quantity).sum();
      row.putObject("ecommerce")
          .put("purchase_revenue_in_usd", step.value())
          .put("purchase_revenue", step.value())
          .put("transaction_id", step.transactionId())
          .put("total_item_quantity", quantity)
          .put("unique_items", step.items().size());
    }
    var items = row.putArray("items");
    for (var line : step.items()) {
      items.addObject()
          .put("item_id", line.product().id())
          .put("item_name", line.product().name())
          .put("price_in_usd", line.product().price())
          .put("price", line.product().price())
          .put("quantity", line.quantity())
          .put("item_revenue_in_usd", line.total());
    }
    return row;
  }

  private static String title(String path) {
    if (path == null || path.equals("/")) return "Trail & Co. | Outdoor gear";
    if (path.startsWith("/lp/")) return "Offers | Trail & Co.";
    if (path.equals("/checkout")) return "Checkout | Trail & Co.";
    if (path.equals("/checkout/thank-you")) return "Thank you | Trail & Co.";
    return TITLES.getOrDefault(path, "Trail & Co.") + " | Trail & Co.";
  }

  private static void intParam(ArrayNode params, String key, long value) {
    params.addObject().put("key", key).putObject("value").put("int_value", value);
  }

  private static void stringParam(ArrayNode params, String key, String value) {
    params.addObject().put("key", key).putObject("value").put("string_value", value);
  }

  static byte[] bytes(ObjectNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree built here always serializes", e);
    }
  }
}
