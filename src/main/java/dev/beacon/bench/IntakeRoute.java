package dev.beacon.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.bench.SiteEvents.Kind;
import dev.beacon.bench.SiteEvents.Site;
import dev.beacon.common.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.time.Duration;
import java.util.List;

/**
 * An HTTP route events come in by, as its senders use it: the path and how the key goes with
 * it, how many events one request carries, the body those events make, and the campaign
 * metric each kind of {@link Site} event counts in there (none where the format does not make
 * it a campaign event).
 */
sealed interface IntakeRoute {
  /** How the table names it: the route and the senders' batch. */
  String label();

  int eventsPerRequest();

  /** The request of one body, to the server at {@code base} with an {@code ingest} key. */
  HttpRequest request(URI base, String key, byte[] body);

  byte[] body(List<Site> events);

  /** The campaign metric ({@code views}, {@code clicks}, {@code conversions}) an event of {@code kind} counts in; null for none. */
  String metric(Kind kind);

  /**
   * Beacon's own {@code POST /api/analytics/real-time}: {@code {"events": [...]}} of campaign
   * events (a page view is a {@code view}, a promotion click a {@code click}, a purchase a
   * {@code conversion} with its value and transaction id), the key as Bearer.
   */
  record Beacon(int eventsPerRequest) implements IntakeRoute {
    @Override
    public String label() {
      return "POST /api/analytics/real-time, " + eventsPerRequest + " a request";
    }

    @Override
    public HttpRequest request(URI base, String key, byte[] body) {
      return json(base.resolve("/api/analytics/real-time"), body).header("Authorization", "Bearer " + key).build();
    }

    @Override
    public byte[] body(List<Site> events) {
      var root = Json.MAPPER.createObjectNode();
      var items = root.putArray("events");
      for (var e : events) {
        var item = items.addObject().put("eventId", e.id()).put("eventType", eventType(e.kind()))
            .put("campaignId", e.campaign()).put("timestamp", e.timeMillis());
        if (e.kind() == Kind.PURCHASE) item.put("value", BigDecimal.valueOf(e.cents(), 2));
        var metadata = item.putObject("metadata").put("userId", e.userId()).put("source", e.source())
            .put("medium", e.medium()).put("pageLocation", e.url());
        if (e.kind() == Kind.PURCHASE) metadata.put("transactionId", e.orderId()).put("currency", "USD");
      }
      return bytes(root);
    }

    @Override
    public String metric(Kind kind) {
      return eventType(kind) + "s";
    }

    private static String eventType(Kind kind) {
      return switch (kind) {
        case PAGE_VIEW -> "view";
        case PROMOTION_CLICK -> "click";
        case PURCHASE -> "conversion";
      };
    }
  }

  /**
   * Segment's {@code POST /v1/batch}, as analytics-node flushes its queue: {@code {"batch": [...],
   * "sentAt": ...}} of page calls and track calls ({@code Promotion Clicked}; {@code Order
   * Completed} with revenue and order id, made signed in: the user id with the anonymous one),
   * UTM tags in {@code context.campaign}, the write key as the Basic user.
   */
  record Segment(int eventsPerRequest) implements IntakeRoute {
    @Override
    public String label() {
      return "POST /v1/batch, " + eventsPerRequest + " a request";
    }

    @Override
    public HttpRequest request(URI base, String key, byte[] body) {
      var basic = Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
      return json(base.resolve("/v1/batch"), body).header("Authorization", "Basic " + basic).build();
    }

    @Override
    public byte[] body(List<Site> events) {
      var root = Json.MAPPER.createObjectNode();
      var batch = root.putArray("batch");
      for (var e : events) {
        var call = batch.addObject();
        if (e.kind() == Kind.PAGE_VIEW) {
          call.put("type", "page").put("name", "Product");
        } else {
          call.put("type", "track").put("event", e.kind() == Kind.PURCHASE ? "Order Completed" : "Promotion Clicked");
        }
        if (e.kind() == Kind.PURCHASE) call.put("userId", e.userId());
        call.put("anonymousId", e.anonymousId()).put("messageId", e.id())
            .put("timestamp", Instant.ofEpochMilli(e.timeMillis()).toString());
        var properties = call.putObject("properties");
        switch (e.kind()) {
          case PAGE_VIEW -> properties.put("url", e.url());
          case PROMOTION_CLICK -> properties.put("promotion_id", "banner-" + e.campaign()).put("name", e.campaign());
          case PURCHASE -> properties.put("order_id", e.orderId()).put("revenue", BigDecimal.valueOf(e.cents(), 2))
              .put("currency", "USD");
        }
        var context = call.putObject("context");
        context.putObject("campaign").put("name", e.campaign()).put("source", e.source()).put("medium", e.medium());
        context.putObject("page").put("url", e.url());
        context.putObject("library").put("name", "@segment/analytics-node").put("version", "3.1.0");
      }
      root.put("sentAt", Instant.now().toString());
      return bytes(root);
    }

    @Override
    public String metric(Kind kind) {
      return trackerMetric(kind);
    }
  }

  /**
   * GA4's Measurement Protocol, {@code POST /mp/collect?measurement_id=&api_secret=}: one visit of
   * one user ({@code client_id}, the anonymous id, and {@code user_id} when the visit buys) a
   * request, its events {@code page_view},
   * {@code select_promotion} and {@code purchase} (value, currency, transaction id), each with its
   * own {@code timestamp_micros}, the {@code session_id} and the UTM-tagged {@code page_location}
   * a browser's tag would send.
   */
  record MeasurementProtocol() implements IntakeRoute {
    @Override
    public String label() {
      return "POST /mp/collect, " + eventsPerRequest() + " a request";
    }

    @Override
    public int eventsPerRequest() {
      return SiteEvents.VISIT;
    }

    @Override
    public HttpRequest request(URI base, String key, byte[] body) {
      var query = "measurement_id=G-BENCH&api_secret=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
      return json(base.resolve("/mp/collect?" + query), body).build();
    }

    @Override
    public byte[] body(List<Site> events) {
      var first = events.get(0);
      if (events.stream().anyMatch(e -> e.visit() != first.visit())) {
        throw new IllegalArgumentException("a Measurement Protocol request carries one visit, one user's");
      }
      var root = Json.MAPPER.createObjectNode().put("client_id", first.anonymousId());
      // signed in to buy, as on Segment's route: the visit's user_id links its client_id to the user
      if (events.stream().anyMatch(e -> e.kind() == Kind.PURCHASE)) root.put("user_id", first.userId());
      var items = root.putArray("events");
      for (var e : events) {
        var event = items.addObject().put("name", switch (e.kind()) {
          case PAGE_VIEW -> "page_view";
          case PROMOTION_CLICK -> "select_promotion";
          case PURCHASE -> "purchase";
        }).put("timestamp_micros", e.timeMillis() * 1_000);
        var params = event.putObject("params").put("page_location", e.url()).put("session_id", e.visit())
            .put("engagement_time_msec", 100);
        if (e.kind() == Kind.PROMOTION_CLICK) params.put("promotion_id", "banner-" + e.campaign());
        if (e.kind() == Kind.PURCHASE) {
          params.put("transaction_id", e.orderId()).put("value", BigDecimal.valueOf(e.cents(), 2)).put("currency", "USD");
        }
      }
      return bytes(root);
    }

    @Override
    public String metric(Kind kind) {
      return trackerMetric(kind);
    }
  }

  /** Segment's and GA4's events alike: a promotion click is a click, a purchase a conversion, a page view none (journeys count it). */
  private static String trackerMetric(Kind kind) {
    return switch (kind) {
      case PAGE_VIEW -> null;
      case PROMOTION_CLICK -> "clicks";
      case PURCHASE -> "conversions";
    };
  }

  private static HttpRequest.Builder json(URI uri, byte[] body) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static byte[] bytes(ObjectNode root) {
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
