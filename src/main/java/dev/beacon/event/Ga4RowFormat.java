package dev.beacon.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GA4 BigQuery export rows, one JSON object per event. The session's traffic source comes from
 * the {@code source} / {@code medium} / {@code campaign} event params, else the UTM tags of
 * {@code page_location}, else the user's first-touch {@code traffic_source}. The organisation
 * is the row's {@code organizationId} when given, else its {@code stream_id}. The event id is the
 * row's {@code event_id} when given (rows a tracker route made, which know what one event is),
 * else the canonical id of what the export row holds. The user whose journey the event joins is
 * the row's {@code beaconUserId} when given (the journey the Measurement Protocol route linked the
 * request's ids to), else {@code user_pseudo_id}, else {@code user_id}.
 */
final class Ga4RowFormat implements WireFormat {
  static final String NAME = "ga4";
  private final EventSettings settings;

  Ga4RowFormat(EventSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean recognises(JsonNode root) {
    return root.has("event_name") || root.has("event_timestamp");
  }

  @Override
  public Event read(JsonNode root, Instant defaultTime, Fields fields, Reasons reasons) {
    fields.required(root, settings.required().getOrDefault(NAME, List.of()));
    var name = fields.label(root, "event_name", "event_name");
    var timestamp = root.hasNonNull("event_timestamp")
        ? fields.withinWindow(fields.epochMicros(root.get("event_timestamp"), "event_timestamp"), "event_timestamp") : null;
    var userId = fields.id(root, EventParser.JOURNEY_USER, EventParser.JOURNEY_USER);
    if (userId == null) userId = fields.id(root, "user_pseudo_id", "user_pseudo_id");
    if (userId == null) userId = fields.id(root, "user_id", "user_id");
    // a present but refused id already has its reason; "required" is for rows with neither
    if (!Fields.present(root, "user_pseudo_id") && !Fields.present(root, "user_id")) {
      reasons.add("user_pseudo_id", "required (or user_id)");
    }
    var organizationId = fields.organizationId(root, "organizationId", "organizationId");
    if (organizationId == null) organizationId = fields.organizationId(root, "stream_id", "stream_id");
    if (!Fields.present(root, "organizationId") && !Fields.present(root, "stream_id")) {
      reasons.add("stream_id", "required (or organizationId)");
    }

    var params = params(root.get("event_params"), reasons);
    var pageLocation = stringParam(params, "page_location", fields);
    var source = trafficSource(root, params, pageLocation, fields);
    var sessionNumber = params.get("ga_session_id");
    var sessionId = sessionNumber == null || userId == null ? null : userId + "." + sessionNumber.asText();
    var engagementMillis = params.containsKey("engagement_time_msec")
        ? fields.count(params.get("engagement_time_msec"), "event_params.engagement_time_msec") : 0;

    var ecommerce = root.get("ecommerce");
    if (ecommerce != null && !ecommerce.isObject()) ecommerce = null;
    // the reason names the field the value was read from
    var revenueField = firstPresentName(ecommerce, "purchase_revenue_in_usd", "purchase_revenue");
    JsonNode revenueNode;
    String revenuePath;
    var currency = "USD";
    if (revenueField != null) {
      revenueNode = ecommerce.get(revenueField);
      revenuePath = "ecommerce." + revenueField;
    } else {
      revenueNode = root.get("event_value_in_usd");
      revenuePath = "event_value_in_usd";
    }
    if (revenueNode == null || revenueNode.isNull()) {
      revenueNode = params.get("value");
      revenuePath = "event_params.value";
      currency = stringParam(params, "currency", fields);
    }
    var valueMicros = fields.micros(revenueNode, revenuePath);
    var transactionId = ecommerce == null ? null : fields.id(ecommerce, "transaction_id", "ecommerce.transaction_id");
    if (transactionId == null) transactionId = stringParam(params, "transaction_id", fields);
    var items = items(root.get("items"), fields, reasons);
    var device = root.get("device");
    var geo = root.get("geo");
    var deviceType = device == null ? null : fields.label(device, "category", "device.category");
    var location = geo == null ? null : location(fields.text(geo, "city", "geo.city"), fields.text(geo, "country", "geo.country"));
    var givenId = fields.id(root, "event_id", "event_id");
    var privacy = root.get("privacy_info");
    var consent = privacy == null || !privacy.isObject() ? Consent.UNSAID
        : Consent.of(fields.consentChoice(privacy, "analytics_storage", "privacy_info.analytics_storage"),
            fields.consentChoice(privacy, "ads_storage", "privacy_info.ads_storage"));
    if (!reasons.isEmpty()) return null;

    var type = settings.ga4CampaignTypes().get(name);
    var campaignId = type != null && source != null && isRealCampaign(source.campaign()) ? source.campaign() : null;
    if (campaignId == null) type = null;
    var eventId = givenId != null ? givenId
        : EventIds.canonical(organizationId, userId, name, timestamp, campaignId, valueMicros, sessionId);
    return new Event(eventId, NAME, organizationId, name, type, campaignId, userId, sessionId,
        timestamp, valueMicros, currency, engagementMillis, source, transactionId, deviceType,
        location, pageLocation, items, null, null, consent);
  }

  /** GA4 writes placeholders such as {@code (direct)}, {@code (not set)} or {@code <Other>} where no campaign ran. */
  static boolean isRealCampaign(String campaign) {
    if (campaign == null || campaign.isBlank()) return false;
    var c = campaign.trim();
    return !(c.startsWith("(") && c.endsWith(")")) && !c.equals("<Other>");
  }

  private Map<String, JsonNode> params(JsonNode array, Reasons reasons) {
    var params = new HashMap<String, JsonNode>();
    if (array == null || array.isNull()) return params;
    if (!array.isArray()) {
      reasons.add("event_params", "must be an array");
      return params;
    }
    if (array.size() > settings.maxParams()) {
      reasons.add("event_params", "more than " + settings.maxParams() + " params");
      return params;
    }
    for (var param : array) {
      var key = param.path("key").asText(null);
      var value = param.get("value");
      if (key == null || value == null || !value.isObject()) continue;
      for (var kind : List.of("string_value", "int_value", "double_value", "float_value")) {
        var v = value.get(kind);
        if (v != null && !v.isNull()) {
          params.put(key, v);
          break;
        }
      }
    }
    return params;
  }

  private static String stringParam(Map<String, JsonNode> params, String key, Fields fields) {
    var node = params.get(key);
    if (node == null) return null;
    var holder = wrap(key, node);
    var path = "event_params." + key;
    return key.equals("page_location") ? fields.text(holder, key, path) : fields.id(holder, key, path);
  }

  private static JsonNode wrap(String key, JsonNode value) {
    var object = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    object.set(key, value);
    return object;
  }

  private static Event.TrafficSource trafficSource(JsonNode root, Map<String, JsonNode> params, String pageLocation, Fields fields) {
    var source = stringParam(params, "source", fields);
    var medium = stringParam(params, "medium", fields);
    var campaign = stringParam(params, "campaign", fields);
    if (source == null && medium == null && campaign == null && pageLocation != null) {
      // decoded tags can hold what the raw URL could not (%0A, long values): same id rules
      var utm = utmTags(pageLocation);
      source = utmTag(utm, "utm_source", fields);
      medium = utmTag(utm, "utm_medium", fields);
      campaign = utmTag(utm, "utm_campaign", fields);
    }
    if (source == null && medium == null && campaign == null) {
      var first = root.get("traffic_source");
      if (first != null && first.isObject()) {
        source = fields.label(first, "source", "traffic_source.source");
        medium = fields.label(first, "medium", "traffic_source.medium");
        campaign = fields.label(first, "name", "traffic_source.name");
      }
    }
    if (source == null && medium == null && campaign == null) return null;
    return new Event.TrafficSource(source, medium, campaign);
  }

  private static String utmTag(Map<String, String> utm, String key, Fields fields) {
    var value = utm.get(key);
    if (value == null) return null;
    return fields.id(wrap(key, TextNode.valueOf(value)), key, "event_params.page_location." + key);
  }

  /** The utm_* query parameters of a URL; empty when it has none or does not parse. */
  static Map<String, String> utmTags(String url) {
    var tags = new HashMap<String, String>();
    try {
      var query = URI.create(url.replace(" ", "%20")).getRawQuery();
      if (query == null) return tags;
      for (var pair : query.split("&")) {
        var eq = pair.indexOf('=');
        if (eq <= 0) continue;
        var key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
        if (key.startsWith("utm_")) tags.put(key, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    } catch (IllegalArgumentException e) {
      // a malformed page URL carries no usable tags; the other sources still apply
    }
    return tags;
  }

  private List<Event.Item> items(JsonNode array, Fields fields, Reasons reasons) {
    if (array == null || array.isNull()) return List.of();
    if (!array.isArray()) {
      reasons.add("items", "must be an array");
      return List.of();
    }
    if (array.size() > settings.maxItems()) {
      reasons.add("items", "more than " + settings.maxItems() + " items");
      return List.of();
    }
    var items = new ArrayList<Event.Item>(array.size());
    for (int i = 0; i < array.size(); i++) {
      var item = array.get(i);
      var path = "items[" + i + "]";
      var price = firstPresent(item, "price_in_usd", "price");
      items.add(new Event.Item(
          fields.id(item, "item_id", path + ".item_id"),
          fields.text(item, "item_name", path + ".item_name"),
          fields.micros(price, path + ".price"),
          fields.count(item.get("quantity"), path + ".quantity")));
    }
    return items;
  }

  private static JsonNode firstPresent(JsonNode node, String... fields) {
    var name = firstPresentName(node, fields);
    return name == null ? null : node.get(name);
  }

  private static String firstPresentName(JsonNode node, String... fields) {
    if (node == null) return null;
    for (var field : fields) {
      var value = node.get(field);
      if (value != null && !value.isNull()) return field;
    }
    return null;
  }

  private static String location(String city, String country) {
    if (city == null) return country;
    if (country == null) return city;
    return city + ", " + country;
  }
}
