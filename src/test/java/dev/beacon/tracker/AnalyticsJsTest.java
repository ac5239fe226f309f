package dev.beacon.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import dev.beacon.security.Scope;
import dev.beacon.testing.BrowserScript;
import dev.beacon.testing.KeyedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Segment's analytics.js (@segment/analytics-next, run unmodified in headless Chromium by
 * src/test/browser/analytics-js.mjs) against a Beacon that requires keys, loaded with its CDN
 * pointed at Beacon and an ingest key as its write key: it fetches its settings from Beacon, posts
 * each call cross-origin to the short paths (or one batch), and a shopper's visit — landing from an
 * e-mail campaign, a product view, an identify, an order — is one journey and a conversion of the
 * campaign. Then what the browser relies on, asked directly: the body's writeKey (a wrong one is
 * 401), the CORS preflight, and the settings behind a proxy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsJsTest {
  private static final String LIBRARY = "@segment/analytics-next";
  private static final double REVENUE = 129.9;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private KeyedServer server;

  @BeforeAll
  void start() throws Exception {
    BrowserScript.requireTools();
    BrowserScript.requireNode(LIBRARY);
    server = KeyedServer.start("analytics-js", "");
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) server.close();
  }

  /** One shopper's organisation, keys and ids. */
  private record Shop(String organization, String ingestKey, String readKey, String campaign, String orderId) {}

  private Shop shop(String name) {
    var id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    var organization = "shop-" + id;
    return new Shop(organization, server.key(organization, Set.of(Scope.INGEST)), server.key(organization, Set.of(Scope.READ)),
        "spring-" + id, "order-" + id);
  }

  /** Runs analytics.js on the shop's visit; what it reported, once it reported every call delivered. */
  private JsonNode visit(Shop shop, boolean batching) throws Exception {
    var args = new ArrayList<>(List.of("--beacon", "http://127.0.0.1:" + server.port(), "--write-key", shop.ingestKey(),
        "--user-id", "ann", "--campaign", shop.campaign(), "--order-id", shop.orderId(), "--revenue", String.valueOf(REVENUE)));
    if (batching) args.add("--batching");
    var run = BrowserScript.run("analytics-js.mjs", args.toArray(String[]::new));
    assertThat(run.json()).as(run.describe()).isNotNull();
    assertThat(run.exitCode()).as(run.describe()).isZero();
    var report = run.json();
    assertThat(report.get("library").asText()).isEqualTo("1.84.3");
    assertThat(report.get("elsewhere")).as("nothing went to Segment: " + run.describe()).isEmpty();
    var calls = new ArrayList<String>();
    report.get("calls").forEach(c -> {
      assertThat(c.get("failure").isNull()).as("delivered: " + c + "; " + run.describe()).isTrue();
      // analytics.js read the UTM tags of the page's URL itself
      assertThat(c.at("/campaign/name").asText()).as(c.toString()).isEqualTo(shop.campaign());
      calls.add(c.get("type").asText() + (c.get("event").isNull() ? "" : " " + c.get("event").asText()));
    });
    assertThat(calls).containsExactly("page", "track Product Viewed", "identify", "track Order Completed");
    var requests = report.get("requests");
    requests.forEach(r -> {
      assertThat(r.get("status").asInt()).as(r + "; " + run.describe()).isEqualTo(200);
      assertThat(r.get("allowOrigin").asText()).as(r.toString()).isEqualTo("*");
    });
    assertThat(requests.get(0).get("path").asText()).isEqualTo("/v1/projects/" + shop.ingestKey() + "/settings");
    for (var i = 1; i < requests.size(); i++) {
      var post = requests.get(i);
      assertThat(post.get("method").asText()).isEqualTo("POST");
      assertThat(post.get("contentType").asText()).isEqualTo("text/plain");
      // this version sends its key both ways: in the body and as the Basic user (so each call is preflighted)
      assertThat(post.get("writeKey").asText()).isEqualTo(shop.ingestKey());
      assertThat(post.get("authorization").asBoolean()).isTrue();
    }
    return report;
  }

  private static List<String> posted(JsonNode report) {
    var paths = new ArrayList<String>();
    report.get("requests").forEach(r -> {
      if (r.get("method").asText().equals("POST")) paths.add(r.get("path").asText());
    });
    return paths;
  }

  private JsonNode read(Shop shop, String path) {
    var answer = server.http().send("GET", path + "?organizationId=" + shop.organization(), shop.readKey(), null);
    assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(200);
    return answer.body();
  }

  /** The campaign counts the order, and ann's journey is one session: the anonymous page view and product view, and the order. */
  private void awaitOneJourneyAndTheConversion(Shop shop) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      var metrics = read(shop, "/api/campaigns/" + shop.campaign() + "/analytics/real-time");
      assertThat(metrics.get("conversions").asLong()).as(metrics.toString()).isEqualTo(1);
      assertThat(metrics.get("conversionValue").asDouble()).as(metrics.toString()).isEqualTo(REVENUE, within(1e-9));

      var journey = read(shop, "/api/users/ann/journey");
      var sessions = journey.get("sessions");
      assertThat(sessions).as(journey.toString()).hasSize(1);
      var session = sessions.get(0);
      assertThat(session.get("channel").asText()).isEqualTo("Email");
      assertThat(session.get("campaign").asText()).isEqualTo(shop.campaign());
      assertThat(session.get("pageViews").asInt()).isEqualTo(1);
      assertThat(session.get("events").asInt()).as(session.toString()).isEqualTo(3);
      var conversions = journey.get("conversions");
      assertThat(conversions).as(journey.toString()).hasSize(1);
      assertThat(conversions.get(0).get("transactionId").asText()).isEqualTo(shop.orderId());
      assertThat(conversions.get(0).get("value").asDouble()).isEqualTo(REVENUE, within(1e-9));
    });
  }

  @Test
  void analyticsJsPostsEachCallToItsShortPathAndTheVisitIsOneJourneyAndAConversion() throws Exception {
    var shop = shop("calls");
    var report = visit(shop, false);

    assertThat(posted(report)).containsExactly("/v1/p", "/v1/t", "/v1/i", "/v1/t");
    awaitOneJourneyAndTheConversion(shop);
  }

  @Test
  void batchedAnalyticsJsPostsOneBatchAndTheVisitIsOneJourneyAndAConversion() throws Exception {
    var shop = shop("batched");
    var report = visit(shop, true);

    assertThat(posted(report)).containsExactly("/v1/b");
    awaitOneJourneyAndTheConversion(shop);
  }

  /** A call as older analytics.js sends it: text/plain, the key in the body only, no Authorization header. */
  private static HttpResponse<String> postWithBodyKey(int port, String path, String writeKey) throws Exception {
    var body = Json.MAPPER.createObjectNode().put("event", "Signed Up").put("anonymousId", "anon-" + UUID.randomUUID())
        .put("messageId", UUID.randomUUID().toString()).put("writeKey", writeKey);
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "text/plain").header("Origin", "https://shop.example")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theBodysWriteKeyIsTheKeyAndAWrongOneIs401() throws Exception {
    var shop = shop("body-key");
    var taken = postWithBodyKey(server.port(), "/v1/t", shop.ingestKey());
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
    assertThat(taken.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");

    var wrong = postWithBodyKey(server.port(), "/v1/t", "not-a-key");
    assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
    assertThat(wrong.body()).contains("writeKey: unknown or revoked key").doesNotContain("not-a-key");
    assertThat(wrong.headers().firstValue("Access-Control-Allow-Origin")).as("the page may read the refusal").hasValue("*");

    var readOnly = postWithBodyKey(server.port(), "/v1/t", shop.readKey());
    assertThat(readOnly.statusCode()).as(readOnly.body()).isEqualTo(403);
    var none = postWithBodyKey(server.port(), "/v1/t", null);
    assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
    assertThat(none.body()).contains("writeKey: a key is required");
  }

  @Test
  void aPreflightOnV1TAnswersTheCorsHeaders() throws Exception {
    var preflight = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/t"))
        .header("Origin", "https://shop.example").header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(preflight.statusCode()).isEqualTo(204);
    var headers = preflight.headers();
    assertThat(headers.firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(headers.firstValue("Access-Control-Allow-Methods")).hasValue("POST, GET, OPTIONS");
    assertThat(headers.firstValue("Access-Control-Allow-Headers")).hasValue("Content-Type, Authorization, X-Retry-Count");
  }

  @Test
  void theSettingsPointAnalyticsJsAtBeaconAsTheProxyReachedItAndNeedAnIngestKey() throws Exception {
    var shop = shop("settings");
    var settings = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/projects/"
            + shop.ingestKey() + "/settings"))
        .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "beacon.example.com").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
    var segment = Json.MAPPER.readTree(settings.body()).at("/integrations/Segment.io");
    assertThat(segment.get("apiKey").asText()).isEqualTo(shop.ingestKey());
    assertThat(segment.get("apiHost").asText()).isEqualTo("beacon.example.com/v1");
    assertThat(segment.get("protocol").asText()).isEqualTo("https");

    var unknown = server.http().get("/v1/projects/not-a-key/settings");
    assertThat(unknown.status()).isEqualTo(401);
    var readKey = server.http().get("/v1/projects/" + shop.readKey() + "/settings");
    assertThat(readKey.status()).isEqualTo(403);
  }
}
