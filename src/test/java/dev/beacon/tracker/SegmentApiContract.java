package dev.beacon.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import dev.beacon.security.Scope;
import dev.beacon.testing.KeyedServer;
import dev.beacon.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Segment's HTTP Tracking API on a running server with keys required (in-JVM broker, H2 or
 * PostgreSQL), with the bodies Segment documents: a visitor's anonymous page view and product
 * view, an identify, and a purchase from the server by user id form one journey, counted by the
 * campaign and credited to it; the same batch again, and a messageId twice in one batch, count
 * once; refused calls are named, dead-lettered, and the valid calls beside them taken; Segment's
 * size limits answer 400 and keep the body on the dead-letter topic; a wrong write key gets 401.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SegmentApiContract {
  private static final String ORG = "shop";
  private KeyedServer server;
  private String writeKey;
  private String read;

  abstract TestDatabase database(Path dir);

  @BeforeAll
  void start() throws Exception {
    server = KeyedServer.start("segment", "beacon.ingest.batch-window = 200ms\n", this::database);
    writeKey = server.key(ORG, Set.of(Scope.INGEST));
    read = server.key(ORG, Set.of(Scope.READ));
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) server.close();
  }

  private JsonNode campaign(String id) {
    var answer = server.http().send("GET", "/api/campaigns/" + id + "/analytics/real-time?organizationId=" + ORG, read, null);
    return answer.status() == 200 ? answer.body() : null;
  }

  private HttpAnswer post(String call, String body) {
    var answer = server.http().sendBasic("POST", "/v1/" + call, writeKey, body);
    return new HttpAnswer(answer.status(), answer.body(), answer.text());
  }

  private record HttpAnswer(int status, JsonNode body, String text) {}

  /** A visitor lands from a Google Ads campaign, views a product, signs in; the server records the order. */
  private static String visit(String anonymousId, String userId, String campaign, String order, Instant at) {
    var context = """
        {"campaign": {"name": "%s", "source": "google", "medium": "cpc"}, "library": {"name": "analytics.js", "version": "2.11.1"},
         "page": {"url": "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=%s", "referrer": "https://www.google.com/"}}"""
        .formatted(campaign, campaign);
    return """
        {"batch": [
          {"type": "page", "name": "Home", "anonymousId": "%1$s", "messageId": "%1$s-page", "timestamp": "%3$s", "context": %5$s},
          {"type": "track", "event": "Product Viewed", "anonymousId": "%1$s", "messageId": "%1$s-view", "timestamp": "%4$s",
           "properties": {"product_id": "p1", "price": 40}, "context": %5$s},
          {"type": "identify", "anonymousId": "%1$s", "userId": "%2$s", "messageId": "%1$s-identify", "traits": {"email": "ann@example.com"}},
          {"type": "track", "event": "Order Completed", "userId": "%2$s", "messageId": "%6$s", "timestamp": "%7$s",
           "properties": {"order_id": "%6$s", "revenue": 80.5, "currency": "USD", "products": [{"product_id": "p1", "price": 40.25, "quantity": 2}]},
           "context": {"campaign": {"name": "%8$s", "source": "google", "medium": "cpc"}}}
        ], "sentAt": "%9$s"}""".formatted(anonymousId, userId, at, at.plusSeconds(20), context, order, at.plusSeconds(60),
        campaign, at.plusSeconds(61));
  }

  @Test
  void aVisitorsAnonymousAndKnownEventsFormOneJourneyCountedAndCreditedOnce() {
    var campaign = "spring-" + UUID.randomUUID().toString().substring(0, 8);
    var at = Instant.now().minusSeconds(120);
    var body = visit("anon-ann", "ann", campaign, "order-ann", at);
    var answer = post("batch", body);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.body().get("success").asBoolean()).isTrue();

    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      var metrics = campaign(campaign);
      assertThat(metrics).isNotNull();
      assertThat(metrics.get("conversions").asLong()).isEqualTo(1);
    });
    var byUser = server.http().send("GET", "/api/users/ann/journey?organizationId=" + ORG, read, null);
    var byDevice = server.http().send("GET", "/api/users/anon-ann/journey?organizationId=" + ORG, read, null);
    assertThat(byUser.status()).as(byUser.text()).isEqualTo(200);
    assertThat(byDevice.body()).as("one journey, whichever id asks").isEqualTo(byUser.body());
    var journey = byUser.body();
    assertThat(journey.get("sessions")).hasSize(1);
    var session = journey.get("sessions").get(0);
    assertThat(session.get("channel").asText()).isEqualTo("Paid Search");
    assertThat(session.get("campaign").asText()).isEqualTo(campaign);
    assertThat(session.get("events").asInt()).as("page view, product view, order").isEqualTo(3);
    assertThat(journey.get("conversions")).hasSize(1);
    assertThat(journey.get("conversions").get(0).get("value").asDouble()).isEqualTo(80.5, within(1e-9));

    // sent again after a timeout: nothing changes
    var again = post("batch", body);
    assertThat(again.status()).isEqualTo(200);
    var marker = "marker-" + UUID.randomUUID();
    assertThat(post("track", """
        {"event": "Order Completed", "userId": "zed", "messageId": "%s", "properties": {"revenue": 1},
         "context": {"campaign": {"name": "%s"}}}""".formatted(marker, marker)).status()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> campaign(marker) != null && campaign(marker).get("conversions").asLong() == 1);
    assertThat(campaign(campaign).get("conversions").asLong()).isEqualTo(1);
    assertThat(server.http().send("GET", "/api/users/ann/journey?organizationId=" + ORG, read, null).body()).isEqualTo(journey);
  }

  @Test
  void erasingAUserByEitherIdForgetsTheirOneJourneyAndTheirLinks() throws Exception {
    var campaign = "erase-" + UUID.randomUUID().toString().substring(0, 8);
    var answer = post("batch", visit("anon-eve", "eve", campaign, "order-eve", Instant.now().minusSeconds(120)));
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> server.http().send("GET", "/api/users/eve/journey?organizationId=" + ORG, read, null).status() == 200);

    var asked = server.http().send("DELETE", "/api/users/eve?organizationId=" + ORG, server.adminKey(), null);
    assertThat(asked.status()).as(asked.text()).isEqualTo(202);
    var progress = "/api/privacy/erasures/" + asked.body().get("erasureId").asText() + "?organizationId=" + ORG;
    Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() ->
        "done".equals(server.http().send("GET", progress, server.adminKey(), null).body().path("state").asText()));
    assertThat(server.http().send("GET", progress, server.adminKey(), null).body().get("progress").toString())
        .contains("identity links: forgotten");

    for (var id : List.of("eve", "anon-eve")) {
      assertThat(server.http().send("GET", "/api/users/" + id + "/journey?organizationId=" + ORG, read, null).status())
          .as(id).isEqualTo(404);
    }
    var db = server.database();
    try (var connection = java.sql.DriverManager.getConnection(db.url, db.user, db.password);
        var rows = connection.prepareStatement("SELECT COUNT(*) FROM identity_links WHERE id IN ('eve', 'anon-eve') "
            + "OR journey_user_id IN ('eve', 'anon-eve')").executeQuery()) {
      rows.next();
      assertThat(rows.getLong(1)).isZero();
    }
  }

  @Test
  void aMessageIdTwiceInOneBatchCountsOnce() {
    var campaign = "twice-" + UUID.randomUUID().toString().substring(0, 8);
    var click = """
        {"type": "track", "event": "Promotion Clicked", "anonymousId": "a-twice", "messageId": "%s-click",
         "context": {"campaign": {"name": "%s", "source": "facebook", "medium": "paid_social"}}}""".formatted(campaign, campaign);
    var answer = post("batch", "{\"batch\": [" + click + "," + click + "]}");
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> campaign(campaign) != null && campaign(campaign).get("clicks").asLong() >= 1);
    Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> campaign(campaign).get("clicks").asLong() == 1);
  }

  @Test
  void refusedCallsAreNamedAndDeadLetteredAndTheValidOnesBesideThemTaken() {
    var campaign = "mixed-" + UUID.randomUUID().toString().substring(0, 8);
    var padding = "x".repeat(33 * 1024);
    var answer = post("batch", """
        {"batch": [
          {"type": "track", "event": "Promotion Viewed", "anonymousId": "a-mixed", "messageId": "%1$s-ok",
           "context": {"campaign": {"name": "%1$s"}}},
          {"type": "track", "anonymousId": "a-mixed", "messageId": "%1$s-noname"},
          {"type": "track", "event": "Big", "anonymousId": "a-mixed", "messageId": "%1$s-big", "properties": {"note": "%2$s"}},
          {"type": "alias", "userId": "u-mixed", "messageId": "%1$s-alias"}
        ]}""".formatted(campaign, padding));
    assertThat(answer.status()).as(answer.text()).isEqualTo(400);
    var reasons = new ArrayList<String>();
    answer.body().get("reasons").forEach(r -> reasons.add(r.asText()));
    assertThat(reasons).containsExactlyInAnyOrder("batch[1].event: required",
        "batch[2].body: event larger than 32768 bytes", "batch[3].previousId: required");
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> campaign(campaign) != null && campaign(campaign).get("impressions").asLong() == 1);

    var letters = deadLetters(campaign, 3);
    assertThat(letters).hasSize(3);
    for (var letter : letters) assertThat(letter.get("route").asText()).isEqualTo("POST /v1/batch");
  }

  @Test
  void segmentsLimitsAndMalformedBodiesAnswer400AndKeepTheBody() {
    var marker = "limit-" + UUID.randomUUID();
    var big = "{\"batch\": [{\"type\": \"track\", \"event\": \"" + marker + "\", \"userId\": \"u\", \"messageId\": \"m\","
        + " \"properties\": {\"note\": \"" + "y".repeat(520 * 1024) + "\"}}]}";
    var answer = post("batch", big);
    assertThat(answer.status()).as(answer.text()).isEqualTo(400);
    assertThat(answer.text()).contains("more than Segment's 500 KB a batch");
    var call = post("track", "{\"event\": \"" + marker + "\", \"userId\": \"u\", \"properties\": {\"note\": \""
        + "z".repeat(40 * 1024) + "\"}}");
    assertThat(call.status()).isEqualTo(400);
    assertThat(call.text()).contains("more than Segment's 32 KB a call");
    var malformed = post("batch", "{\"batch\": [{\"type\": \"track\", \"event\": \"" + marker + "\"");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(deadLetters(marker, 3)).hasSize(3);
  }

  @Test
  void aWriteKeyMustBeAnIngestKeyOfBeacon() {
    var unknown = server.http().sendBasic("POST", "/v1/track", "not-a-key", "{\"event\": \"x\", \"userId\": \"u\"}");
    assertThat(unknown.status()).isEqualTo(401);
    var readOnly = server.http().sendBasic("POST", "/v1/track", read, "{\"event\": \"x\", \"userId\": \"u\"}");
    assertThat(readOnly.status()).isEqualTo(403);
    var bearer = server.http().send("POST", "/v1/track", writeKey,
        "{\"event\": \"Signed Up\", \"userId\": \"u-bearer\", \"messageId\": \"" + UUID.randomUUID() + "\"}");
    assertThat(bearer.status()).as("Bearer works as well").isEqualTo(200);
  }

  /** The dead letters whose original mentions {@code marker}: at least {@code atLeast}, or all there are within 30 s. */
  private List<JsonNode> deadLetters(String marker, int atLeast) {
    var found = new ArrayList<JsonNode>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(server.deadLetterTopic()));
      var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (found.size() < atLeast && System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          var envelope = Json.MAPPER.readTree(new String(record.value(), StandardCharsets.UTF_8));
          if (envelope.path("original").asText("").contains(marker)) found.add(envelope);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }
}
