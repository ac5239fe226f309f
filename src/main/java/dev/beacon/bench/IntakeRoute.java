package dev.beacon.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.bench.SiteEvents.Kind;
import dev.beacon.bench.SiteEvents.Site;
import dev.beacon.common.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
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
