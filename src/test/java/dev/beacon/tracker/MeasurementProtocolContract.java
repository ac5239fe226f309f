package dev.beacon.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import dev.beacon.security.Scope;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.KeyedServer;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TopicReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * GA4 Measurement Protocol requests as Google's documentation shows them (a page view with
 * session_id and engagement_time_msec, a purchase with items and transaction_id, an app event
 * with app_instance_id), sent over HTTP to a keyed Beacon on the in-JVM broker: the campaign's
 * metrics, the user's journey and the attribution credits reflect them, and the same requests
 * sent again change nothing. The debug endpoint's answers for bad input, the keys, and a refused
 * event on the dead-letter topic. Subclasses choose the database.
 */
abstract class MeasurementProtocolContract {
  private static final String ORG = "shop";
  private static KeyedServer server;
  private static HttpCalls http;
  private static String secret;

  /** Starts the keyed server of the class on the database {@code database} makes in its folder. */
  static void start(String name, Function<Path, TestDatabase> database) throws IOException {
    server = KeyedServer.start(name, "", database);
    http = server.http();
    secret = server.key(ORG, Set.of(Scope.INGEST));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  private static HttpCalls.Answer send(String path, String body) {
    return http.post(path, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpCalls.Answer collect(String body) {
    return send("/mp/collect?measurement_id=G-TEST123&api_secret=" + secret, body);
  }

  private static HttpCalls.Answer debug(String body) {
    return send("/debug/mp/collect?measurement_id=G-TEST123&api_secret=" + secret, body);
  }

  private static JsonNode read(String path) {
    var answer = http.send("GET", path, server.adminKey(), null);
    assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(200);
    return answer.body();
  }

  private static long micros(Instant at) {
    return at.toEpochMilli() * 1000;
  }

  /** What the requests of one campaign changed: its counters, the client's journey, the credits of the day. */
  private static Map<String, JsonNode> answers(String campaign, String client) {
    var answers = new TreeMap<String, JsonNode>();
    var metrics = read("/api/campaigns/" + campaign + "/analytics/real-time?organizationId=" + ORG);
    var counters = Json.MAPPER.createObjectNode();
    for (var field : List.of("impressions", "clicks", "conversions", "conversionValue")) counters.set(field, metrics.get(field));
    answers.put("campaign", counters);
    var journey = read("/api/users/" + client + "/journey?organizationId=" + ORG);
    answers.put("sessions", journey.get("sessions"));
    answers.put("conversions", journey.get("conversions"));
    var today = LocalDate.now(ZoneOffset.UTC);
    answers.put("compare", read("/api/attribution/compare?organizationId=" + ORG + "&from=" + today.minusDays(1) + "&to=" + today)
        .get("models"));
    return answers;
  }

  private static long deduplicated() {
    return read("/api/analytics/real-time").get("deduplicated").asLong();
  }

  @Test
  void googlesExamplesReachCampaignJourneyAndCreditsAndTheSameRequestsAgainChangeNothing() {
    var client = "555.1714560000";
    var campaign = "mp_spring";
    var landing = "https://shop.example/shoes?utm_source=google&utm_medium=cpc&utm_campaign=" + campaign;
    var start = Instant.now().minusSeconds(600);
    var pageView = """
        {"client_id": "%s", "timestamp_micros": %d,
         "events": [{"name": "page_view", "params": {"session_id": "1714560000", "engagement_time_msec": 12000,
           "page_location": "%s", "page_referrer": "https://www.google.com/", "page_title": "Shoes"}}]}
        """.formatted(client, micros(start), landing);
    var impressions = """
        {"client_id": "%s", "timestamp_micros": %d,
         "events": [{"name": "ad_impression", "params": {"session_id": "1714560000", "page_location": "%s"}},
                    {"name": "ad_impression", "params": {"session_id": "1714560000", "page_location": "%s"}}]}
        """.formatted(client, micros(start.plusSeconds(30)), landing, landing);
    var purchase = """
        {"client_id": "%s", "user_id": "customer-77", "timestamp_micros": %d,
         "events": [{"name": "purchase", "params": {"session_id": "1714560000", "engagement_time_msec": 100,
           "campaign": "%s", "source": "google", "medium": "cpc",
           "currency": "USD", "transaction_id": "T_12345", "value": 30.03, "coupon": "SUMMER_FUN", "shipping": 3.33,
           "tax": 1.11, "items": [{"item_id": "SKU_12345", "item_name": "Stan and Friends Tee", "affiliation": "Google Store",
             "coupon": "SUMMER_FUN", "discount": 2.22, "index": 0, "item_brand": "Google", "item_category": "Apparel",
             "price": 10.01, "quantity": 3}]}}]}
        """.formatted(client, micros(start.plusSeconds(60)), campaign);
    for (var body : List.of(pageView, impressions, purchase)) {
      var answer = collect(body);
      assertThat(answer.status()).as(answer.text()).isEqualTo(204);
    }
    var app = send("/mp/collect?firebase_app_id=1:1234567890:android:321abc456def7890&api_secret=" + secret, """
        {"app_instance_id": "cbd7b7e5f2b1c4a1b6e0a0d3c8f9e2a1",
         "events": [{"name": "tutorial_begin", "params": {"session_id": 42, "engagement_time_msec": 100}}]}
        """);
    assertThat(app.status()).as(app.text()).isEqualTo(204);

    var first = new ArrayList<Map<String, JsonNode>>();
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      var answers = answers(campaign, client);
      var counters = answers.get("campaign");
      assertThat(counters.get("impressions").asLong()).as("two identical impressions of one request").isEqualTo(2);
      assertThat(counters.get("conversions").asLong()).isEqualTo(1);
      assertThat(counters.get("conversionValue").decimalValue()).isEqualByComparingTo("30.03");
      var sessions = answers.get("sessions");
      assertThat(sessions).hasSize(1);
      assertThat(sessions.get(0).get("sessionId").asText()).isEqualTo(client + ".1714560000");
      assertThat(sessions.get(0).get("channel").asText()).isEqualTo("Paid Search");
      assertThat(sessions.get(0).get("campaign").asText()).isEqualTo(campaign);
      assertThat(sessions.get(0).get("engagementMillis").asLong()).isEqualTo(12_100);
      assertThat(sessions.get(0).get("engaged").asBoolean()).isTrue();
      var conversion = answers.get("conversions").get(0);
      assertThat(conversion.get("transactionId").asText()).isEqualTo("T_12345");
      assertThat(conversion.get("value").asDouble()).isEqualTo(30.03, within(1e-9));
      var lastClick = conversion.get("credits").get("last_click").get(0);
      assertThat(lastClick.get("channel").asText()).isEqualTo("Paid Search");
      assertThat(lastClick.get("value").asDouble()).isEqualTo(30.03, within(1e-9));
      var compare = answers.get("compare").get("last_click");
      assertThat(compare.get("conversions").asDouble()).isEqualTo(1.0, within(1e-9));
      assertThat(compare.get("revenue").asDouble()).isEqualTo(30.03, within(1e-9));
      first.add(0, answers);
    });
    var appJourney = read("/api/users/cbd7b7e5f2b1c4a1b6e0a0d3c8f9e2a1/journey?organizationId=" + ORG);
    assertThat(appJourney.get("sessions")).hasSize(1);
    assertThat(appJourney.get("sessions").get(0).get("sessionId").asText()).isEqualTo("cbd7b7e5f2b1c4a1b6e0a0d3c8f9e2a1.42");

    // A sender that timed out sends each request again: the same event ids, so nothing counts twice.
    var before = deduplicated();
    for (var body : List.of(pageView, impressions, purchase)) assertThat(collect(body).status()).isEqualTo(204);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> deduplicated() >= before + 4);
    Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(answers(campaign, client)).isEqualTo(first.get(0)));
  }

  /** A page view of {@code client} (and {@code user}, when not null) in session {@code session}, {@code ago} back. */
  private static String pageView(String client, String user, String session, Duration ago) {
    var userField = user == null ? "" : "\"user_id\": \"" + user + "\", ";
    return """
        {"client_id": "%s", %s"timestamp_micros": %d,
         "events": [{"name": "page_view", "params": {"session_id": "%s", "engagement_time_msec": 100,
           "page_location": "https://shop.example/"}}]}
        """.formatted(client, userField, micros(Instant.now().minus(ago)), session);
  }

  private static HttpCalls.Answer journeyOf(String id) {
    return http.send("GET", "/api/users/" + id + "/journey?organizationId=" + ORG, server.adminKey(), null);
  }

  @Test
  void clientIdAndUserIdJoinOneJourneyAcrossSignInAndDevicesAndAreErasedTogether() throws Exception {
    var suffix = UUID.randomUUID().toString().substring(0, 8);
    var laptop = "111." + suffix;
    var phone = "222." + suffix;
    var shopper = "shopper-" + suffix;
    // the laptop browses before signing in, then signs in (its client_id now with the user_id)
    assertThat(collect(pageView(laptop, null, "1", Duration.ofMinutes(30))).status()).isEqualTo(204);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> journeyOf(laptop).status() == 200);
    assertThat(collect(pageView(laptop, shopper, "1", Duration.ofMinutes(29))).status()).isEqualTo(204);
    // the phone is first seen signed in, then sends without the user_id (signed out, same client_id)
    assertThat(collect(pageView(phone, shopper, "2", Duration.ofMinutes(10))).status()).isEqualTo(204);
    assertThat(collect(pageView(phone, null, "3", Duration.ofMinutes(5))).status()).isEqualTo(204);

    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      var journey = journeyOf(shopper);
      assertThat(journey.status()).isEqualTo(200);
      var sessions = journey.body().get("sessions");
      assertThat(sessions).as("the laptop's session before and after sign-in is one; the phone's two").hasSize(3);
      assertThat(sessions.get(0).get("events").asInt()).isEqualTo(2);
      assertThat(journeyOf(laptop).body()).isEqualTo(journey.body());
      assertThat(journeyOf(phone).body()).isEqualTo(journey.body());
    });

    var asked = http.send("DELETE", "/api/users/" + shopper + "?organizationId=" + ORG, server.adminKey(), null);
    assertThat(asked.status()).as(asked.text()).isEqualTo(202);
    var progress = "/api/privacy/erasures/" + asked.body().get("erasureId").asText() + "?organizationId=" + ORG;
    Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() ->
        "done".equals(http.send("GET", progress, server.adminKey(), null).body().path("state").asText()));
    for (var id : List.of(shopper, laptop, phone)) assertThat(journeyOf(id).status()).as(id).isEqualTo(404);
    var db = server.database();
    try (var connection = java.sql.DriverManager.getConnection(db.url, db.user, db.password);
        var query = connection.prepareStatement("SELECT COUNT(*) FROM identity_links WHERE id IN (?, ?, ?)")) {
      query.setString(1, shopper);
      query.setString(2, laptop);
      query.setString(3, phone);
      try (var rows = query.executeQuery()) {
        rows.next();
        assertThat(rows.getLong(1)).isZero();
      }
    }
  }

  @Test
  void theAdminKeyWritesForTheOrganizationMeasurementIdNames() {
    var body = "{\"client_id\": \"admin.1\", \"events\": [{\"name\": \"login\", \"params\": {\"session_id\": 1}}]}";
    var named = http.post("/mp/collect?measurement_id=" + ORG + "&api_secret=" + server.adminKey(), "text/plain",
        body.getBytes(StandardCharsets.UTF_8));
    assertThat(named.status()).as(named.text()).isEqualTo(204);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(http.send("GET", "/api/users/admin.1/journey?organizationId=" + ORG, server.adminKey(), null).status())
            .isEqualTo(200));

    var unnamed = send("/mp/collect?api_secret=" + server.adminKey(), body);
    assertThat(unnamed.status()).isEqualTo(400);
    assertThat(unnamed.body().get("validationMessages").get(0).get("fieldPath").asText()).isEqualTo("measurement_id");
  }

  @Test
  void aWrongApiSecretIs401AndAKeyWithoutIngestIs403() {
    var body = "{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\"}]}";
    assertThat(send("/mp/collect?measurement_id=G-TEST123&api_secret=not-a-key", body).status()).isEqualTo(401);
    assertThat(send("/mp/collect?measurement_id=G-TEST123", body).status()).isEqualTo(401);
    assertThat(send("/debug/mp/collect?measurement_id=G-TEST123&api_secret=not-a-key", body).status()).isEqualTo(401);
    var readKey = server.key(ORG, Set.of(Scope.READ));
    assertThat(send("/mp/collect?measurement_id=G-TEST123&api_secret=" + readKey, body).status()).isEqualTo(403);
  }

  @Test
  void theDebugEndpointAnswersEveryRuleInGa4sFormatAndWritesNothing() {
    var accepted = read("/api/analytics/real-time").get("accepted").asLong();
    var valid = debug("{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\", \"params\": {\"method\": \"Google\"}}]}");
    assertThat(valid.status()).isEqualTo(200);
    assertThat(valid.text()).isEqualTo("{\"validationMessages\":[]}");

    var cases = new TreeMap<String, String>();
    cases.put("VALUE_INVALID", "{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\", \"params\": {\"value\": -5}}]}");
    cases.put("VALUE_REQUIRED", "{\"events\": [{\"name\": \"login\"}]}");
    cases.put("NAME_INVALID", "{\"client_id\": \"c1\", \"events\": [{\"name\": \"_badEventName\"}]}");
    cases.put("NAME_RESERVED", "{\"client_id\": \"c1\", \"events\": [{\"name\": \"session_start\"}]}");
    cases.put("VALUE_OUT_OF_BOUNDS", "{\"client_id\": \"c1\", \"timestamp_micros\": " + micros(Instant.now().minus(Duration.ofHours(80)))
        + ", \"events\": [{\"name\": \"login\"}]}");
    var params = new ArrayList<String>();
    for (int i = 0; i < 26; i++) params.add("\"p" + i + "\": " + i);
    cases.put("EXCEED_MAX_ENTITIES", "{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\", \"params\": {"
        + String.join(",", params) + "}}]}");
    cases.put("NAME_DUPLICATED", "{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\", \"params\": {\"method\": \"a\", "
        + "\"method\": \"b\"}}]}");
    var fieldPaths = Map.of("VALUE_INVALID", "events[0].params.value", "VALUE_REQUIRED", "client_id",
        "NAME_INVALID", "events[0].name", "NAME_RESERVED", "events[0].name", "VALUE_OUT_OF_BOUNDS", "timestamp_micros",
        "EXCEED_MAX_ENTITIES", "events[0].params", "NAME_DUPLICATED", "events[0].params.method");
    cases.forEach((code, body) -> {
      var answer = debug(body);
      assertThat(answer.status()).as(code).isEqualTo(200);
      var messages = answer.body().get("validationMessages");
      assertThat(messages).as(answer.text()).hasSize(1);
      assertThat(messages.get(0).get("validationCode").asText()).isEqualTo(code);
      assertThat(messages.get(0).get("fieldPath").asText()).isEqualTo(fieldPaths.get(code));
      assertThat(messages.get(0).get("description").asText()).isNotBlank();
    });
    assertThat(read("/api/analytics/real-time").get("accepted").asLong()).as("nothing written").isEqualTo(accepted);
  }

  @Test
  void refusedEventsAndOversizedBodiesGoToTheDeadLetterTopicWhileTheValidOnesCount() {
    var mixed = collect("""
        {"client_id": "dl.1", "events": [{"name": "login", "params": {"session_id": 9}}, {"name": "session_start"}]}
        """);
    assertThat(mixed.status()).isEqualTo(400);
    var messages = mixed.body().get("validationMessages");
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).get("fieldPath").asText()).isEqualTo("events[1].name");
    assertThat(messages.get(0).get("validationCode").asText()).isEqualTo("NAME_RESERVED");
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(http.send("GET", "/api/users/dl.1/journey?organizationId=" + ORG, server.adminKey(), null).status())
            .as("the valid login of the request counts").isEqualTo(200));

    var huge = "{\"client_id\": \"dl.2\", \"events\": [{\"name\": \"login\", \"params\": {\"note\": \"" + "x".repeat(140_000) + "\"}}]}";
    var tooLarge = collect(huge);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.body().get("validationMessages").get(0).get("validationCode").asText()).isEqualTo("VALUE_OUT_OF_BOUNDS");

    var dead = TopicReader.readAll(server.bootstrapServers(), server.deadLetterTopic(), 2).stream()
        .map(record -> readJson(record.value())).filter(envelope -> envelope.path("route").asText().equals("POST /mp/collect"))
        .toList();
    assertThat(dead).anySatisfy(envelope -> {
      assertThat(envelope.get("organizationId").asText()).isEqualTo(ORG);
      assertThat(envelope.get("reasons").get(0).asText())
          .isEqualTo("events[1].name: Event at index: [1] has reserved name [session_start].");
      assertThat(envelope.get("original").asText()).contains("\"session_start\"").contains("\"dl.1\"").doesNotContain("login");
    });
    assertThat(dead).anySatisfy(envelope -> {
      assertThat(envelope.get("reasons").get(0).asText()).startsWith("body: The body is " + huge.length() + " bytes");
      assertThat(envelope.get("original").asText()).hasSize(huge.length());
    });
  }

  private static JsonNode readJson(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
