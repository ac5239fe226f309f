package dev.beacon.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Segment's event documents ({@code track}, {@code page}, {@code screen}), as Segment's HTTP
 * Tracking API takes them and as the tracker route puts them on the topic: the document itself,
 * with {@code organizationId}, {@code receivedAt} and, when the sender gave none of its own,
 * {@code sentAt} stamped by the route, and {@code beaconUserId}: the user the route resolved
 * {@code userId} / {@code anonymousId} to (identity links), under which the journey is kept.
 *
 * <ul>
 *   <li>Id: {@code messageId}, so a retry counts once.
 *   <li>Time: Segment's clock-skew correction. The device's time of the call ({@code originalTimestamp},
 *       else {@code timestamp}) is moved by how far the device's clock was off when it sent the
 *       event: {@code receivedAt - (sentAt - deviceTime)}; without {@code sentAt} the device time
 *       stands; without either, the time it was received.
 *   <li>Name: a track's {@code event}; {@code page} is {@code page_view} and {@code screen}
 *       {@code screen_view}, as GA4 names them, so journeys count page views alike.
 *   <li>Source: {@code context.campaign} (UTM: name, source, medium), else the UTM tags of the
 *       page's URL, else the referrer's host with medium {@code referral} (the channel rules make
 *       a search engine's host Organic Search); a referrer on the page's own host is no source.
 *   <li>Campaign metrics: the event names in {@code segment.campaign-types} (Order Completed a
 *       conversion, Promotion Viewed / Clicked an impression / click) when the event has a
 *       campaign; value from the first of {@code segment.value-properties}, transaction id from
 *       {@code segment.transaction-id-property}, items from {@code properties.products}.
 *   <li>Consent: {@code context.consent.categoryPreferences} (Segment's consent spec): a category
 *       named like analytics or like advertising / marketing.
 * </ul>
 */
final class SegmentEventFormat implements WireFormat {
  static final String NAME = "segment";
  /** The calls that are events; identify, group and alias link or describe users, handled by the route. */
  static final Set<String> EVENT_TYPES = Set.of("track", "page", "screen");
  private static final String PAGE_VIEW = "page_view";
  private static final String SCREEN_VIEW = "screen_view";
  private static final Set<String> CALL_TYPES = Set.of("track", "page", "screen", "identify", "group", "alias");
  private final EventSettings settings;

  SegmentEventFormat(EventSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean recognises(JsonNode root) {
    var type = root.get("type");
    return type != null && type.isTextual() && CALL_TYPES.contains(type.asText())
        && (root.has("messageId") || root.has("anonymousId") || root.has("userId"));
  }

  @Override
  public Event read(JsonNode root, Instant defaultTime, Fields fields, Reasons reasons) {
    var type = root.path("type").asText();
    if (!EVENT_TYPES.contains(type)) {
      reasons.add("type", "'" + type + "' is no event: POST /v1/" + type + " takes it");
      return null;
    }
    var organizationId = fields.organizationId(root, "organizationId", "organizationId");
    if (organizationId == null && !Fields.present(root, "organizationId")) reasons.add("organizationId", "required");
    var messageId = fields.id(root, "messageId", "messageId");
    var knownId = fields.id(root, "userId", "userId");
    var anonymousId = fields.id(root, "anonymousId", "anonymousId");
    if (knownId == null && anonymousId == null && !Fields.present(root, "userId") && !Fields.present(root, "anonymousId")) {
      reasons.add("userId", "required (or anonymousId)");
    }
    var resolved = fields.id(root, EventParser.JOURNEY_USER, EventParser.JOURNEY_USER);
    var userId = resolved != null ? resolved : knownId != null ? knownId : anonymousId;
    String name = switch (type) {
      case "page" -> PAGE_VIEW;
      case "screen" -> SCREEN_VIEW;
      default -> fields.label(root, "event", "event");
    };
    if (type.equals("track") && name == null && !Fields.present(root, "event")) reasons.add("event", "required");
    var timestamp = fields.withinWindow(time(root, defaultTime, fields), "timestamp");

    var context = object(root, "context", reasons);
    var properties = object(root, "properties", reasons);
    var page = object(context, "page", "context.page", reasons);
    var pageUrl = fields.text(page, "url", "context.page.url");
    if (pageUrl == null) pageUrl = fields.text(properties, "url", "properties.url");
    var referrer = fields.text(page, "referrer", "context.page.referrer");
    if (referrer == null) referrer = fields.text(properties, "referrer", "properties.referrer");
    var source = source(object(context, "campaign", "context.campaign", reasons), pageUrl, referrer, fields);

    var valueMicros = 0L;
    for (var property : settings.segment().valueProperties()) {
      if (properties != null && Fields.present(properties, property)) {
        valueMicros = fields.micros(properties.get(property), "properties." + property);
        break;
      }
    }
    var currency = fields.label(properties, "currency", "properties.currency");
    var transactionProperty = settings.segment().transactionIdProperty();
    var transactionId = fields.id(properties, transactionProperty, "properties." + transactionProperty);
    var items = products(properties == null ? null : properties.get("products"), fields, reasons);
    var device = object(context, "device", "context.device", reasons);
    var deviceType = fields.label(device, "type", "context.device.type");
    var location = object(context, "location", "context.location", reasons);
    var city = fields.text(location, "city", "context.location.city");
    var country = fields.text(location, "country", "context.location.country");
    var userAgent = fields.text(context, "userAgent", "context.userAgent");
    var ipAddress = fields.ipAddress(context, "ip", "context.ip");
    var consent = consent(object(context, "consent", "context.consent", reasons), fields, reasons);
    if (!reasons.isEmpty()) return null;

    var campaignType = settings.segment().campaignTypes().get(name);
    var campaignId = campaignType != null && source != null && Ga4RowFormat.isRealCampaign(source.campaign())
        ? source.campaign() : null;
    var eventId = messageId != null ? messageId
        : EventIds.canonical(organizationId, userId, name, timestamp, campaignId, valueMicros, null);
    return new Event(eventId, NAME, organizationId, name, campaignId == null ? null : campaignType, campaignId, userId,
        null, timestamp, valueMicros, currency == null ? "USD" : currency, 0, source, transactionId, deviceType,
        city == null ? country : country == null ? city : city + ", " + country, pageUrl, items, userAgent, ipAddress,
        consent);
  }

  /** Segment's skew-corrected time (see the class comment). */
  private static Instant time(JsonNode root, Instant defaultTime, Fields fields) {
    var receivedAt = fields.timestamp(root.get("receivedAt"), "receivedAt", defaultTime);
    var deviceField = Fields.present(root, "originalTimestamp") ? "originalTimestamp" : "timestamp";
    var deviceTime = fields.timestamp(root.get(deviceField), deviceField, null);
    var sentAt = fields.timestamp(root.get("sentAt"), "sentAt", null);
    if (deviceTime == null) return receivedAt;
    if (sentAt == null || receivedAt == null) return deviceTime;
    return receivedAt.minus(Duration.between(deviceTime, sentAt));
  }

  private static Event.TrafficSource source(JsonNode campaign, String pageUrl, String referrer, Fields fields) {
    if (campaign != null) {
      var name = fields.label(campaign, "name", "context.campaign.name");
      var source = fields.label(campaign, "source", "context.campaign.source");
      var medium = fields.label(campaign, "medium", "context.campaign.medium");
      if (name != null || source != null || medium != null) return new Event.TrafficSource(source, medium, name);
    }
    if (pageUrl != null) {
      var utm = Ga4RowFormat.utmTags(pageUrl);
      var source = utm.get("utm_source");
      var medium = utm.get("utm_medium");
      var name = utm.get("utm_campaign");
      if (source != null || medium != null || name != null) {
        return new Event.TrafficSource(label(source), label(medium), label(name));
      }
    }
    var from = host(referrer);
    if (from == null || from.equals(host(pageUrl))) return null;
    return new Event.TrafficSource(from, "referral", null);
  }

  /** A UTM tag as a label: at most 256 characters and no control characters, else not used. */
  private static String label(String tag) {
    if (tag == null || tag.isBlank() || tag.length() > 256 || tag.chars().anyMatch(Character::isISOControl)) return null;
    return tag;
  }

  /** A URL's host without a leading {@code www.}, lower case; null when it has none. */
  static String host(String url) {
    if (url == null) return null;
    try {
      var host = URI.create(url.trim().replace(" ", "%20")).getHost();
      if (host == null || host.isBlank()) return null;
      host = host.toLowerCase(Locale.ROOT);
      return host.startsWith("www.") ? host.substring(4) : host;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static List<Event.Item> products(JsonNode array, Fields fields, Reasons reasons) {
    if (array == null || array.isNull()) return List.of();
    if (!array.isArray()) {
      reasons.add("properties.products", "must be an array");
      return List.of();
    }
    var items = new ArrayList<Event.Item>(array.size());
    for (int i = 0; i < array.size(); i++) {
      var product = array.get(i);
      var path = "properties.products[" + i + "]";
      var idField = Fields.present(product, "product_id") ? "product_id" : "sku";
      items.add(new Event.Item(fields.id(product, idField, path + "." + idField), fields.text(product, "name", path + ".name"),
          fields.micros(product.get("price"), path + ".price"),
          product.hasNonNull("quantity") ? fields.count(product.get("quantity"), path + ".quantity") : 1));
    }
    return items;
  }

  /**
   * Segment's consent: {@code categoryPreferences} maps the site's own category names to a
   * choice. A category whose name says analytics (or statistics, performance) decides analytics;
   * one that says advertising (ads, marketing, targeting) decides ad personalisation.
   */
  private static Consent consent(JsonNode consent, Fields fields, Reasons reasons) {
    var preferences = object(consent, "categoryPreferences", "context.consent.categoryPreferences", reasons);
    if (preferences == null) return Consent.UNSAID;
    Boolean analytics = null;
    Boolean advertising = null;
    for (var names = preferences.fieldNames(); names.hasNext(); ) {
      var category = names.next();
      var lower = category.toLowerCase(Locale.ROOT);
      var choice = fields.consentChoice(preferences, category, "context.consent.categoryPreferences." + category);
      if (choice == null) continue;
      if (lower.contains("analytic") || lower.contains("statistic") || lower.contains("performance")) {
        analytics = analytics == null ? choice : analytics && choice;
      } else if (lower.contains("advertis") || lower.equals("ads") || lower.contains("marketing") || lower.contains("targeting")) {
        advertising = advertising == null ? choice : advertising && choice;
      }
    }
    return Consent.of(analytics, advertising);
  }

  private static JsonNode object(JsonNode root, String field, Reasons reasons) {
    return object(root, field, field, reasons);
  }

  /** The field when it is an object; null when absent, with a reason when it is something else. */
  private static JsonNode object(JsonNode parent, String field, String path, Reasons reasons) {
    var node = parent == null ? null : parent.get(field);
    if (node == null || node.isNull()) return null;
    if (!node.isObject()) {
      reasons.add(path, "must be an object");
      return null;
    }
    return node;
  }
}
