package dev.beacon.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.common.Json;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.testing.SseReader;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live dashboards on a running server with keys required, through the clients browsers use: the
 * subscribe endpoint (201; 401 without a key, 403 with another organisation's), Server-Sent
 * Events (snapshot, then updates whose last totals equal the dashboard query's after a burst;
 * a resume from Last-Event-ID without a gap, and a fresh snapshot that says so when the gap is
 * gone), polling, and websockets (subscribe, 403 for another organisation in an error frame, a
 * client that reads nothing beside one that keeps receiving, the Origin check), and the stats.
 */
class LiveDashboardTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String ADMIN_KEY = "live-test-admin-key-" + UUID.randomUUID();
  private static Path dir;
  private static EmbeddedKafka kafka;
  private static BeaconServer server;
  private static String acmeRead;
  private static String acmeIngest;
  private static String globexRead;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("beacon-live");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
    server = BeaconServer.start(TestServers.config(dir, kafka.bootstrapServers(), TestDatabase.h2(dir),
        "live-" + UUID.randomUUID(), """
            beacon.security.admin-key = "%s"
            beacon.live.heartbeat = 1s
            """.formatted(ADMIN_KEY)));
    acmeRead = key("acme", "read");
    acmeIngest = key("acme", "ingest");
    globexRead = key("globex", "read");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.stop().toCompletableFuture().get();
    if (kafka != null) kafka.close();
  }

  private static String base() {
    return "http://127.0.0.1:" + server.httpPort();
  }

  private static HttpResponse<String> send(String method, String path, String key, String json) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (key != null) request.header("Authorization", "Bearer " + key);
    if (json != null) request.header("Content-Type", "application/json");
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String key(String org, String scope) throws Exception {
    var made = send("POST", "/api/admin/organizations/" + org + "/keys", ADMIN_KEY, "{\"scopes\": [\"" + scope + "\"]}");
    assertThat(made.statusCode()).isEqualTo(201);
    return Json.MAPPER.readTree(made.body()).get("key").asText();
  }

  private static String subscribe(String org, String key, String campaigns) throws Exception {
    var answer = send("POST", "/api/analytics/real-time/subscribe", key,
        "{\"organizationId\": \"" + org + "\"" + (campaigns == null ? "" : ", \"campaignIds\": " + campaigns) + "}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    return Json.MAPPER.readTree(answer.body()).get("subscription").get("id").asText();
  }

  private static void ingest(String org, String campaign, int clicks) throws Exception {
    var events = new ArrayList<String>();
    for (int i = 0; i < clicks; i++) {
      events.add("{\"eventType\": \"click\", \"campaignId\": \"" + campaign + "\", \"value\": 0.5, \"metadata\": {\"userId\": \"u"
          + i + "\"}}");
    }
    var answer = send("POST", "/api/analytics/real-time", acmeIngest, "{\"events\": [" + String.join(",", events) + "]}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
  }

  /** The snapshot a new polling subscription of {@code org} gets first, as sent. */
  private static String firstSnapshot(String org, String key) throws Exception {
    var id = subscribe(org, key, null);
    var snapshot = new String[1];
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      var updates = Json.MAPPER.readTree(send("GET", "/api/analytics/real-time/updates?subscriptionId=" + id, key, null).body())
          .get("updates");
      if (updates.isEmpty()) return false;
      snapshot[0] = updates.get(0).toString();
      return true;
    });
    send("DELETE", "/api/analytics/real-time/subscribe?subscriptionId=" + id, key, null);
    return snapshot[0];
  }

  @Test
  void aCrowdSubscribingWhileNothingChangesGetsOneRenderedSnapshotAndAChangeMakesAFreshOne() throws Exception {
    var read = key("umbrella", "read");
    var ingest = key("umbrella", "ingest");
    var events = "{\"events\": [{\"eventType\": \"click\", \"campaignId\": \"u1\", \"metadata\": {\"userId\": \"%s\"}},"
        + " {\"eventType\": \"click\", \"campaignId\": \"u1\", \"metadata\": {\"userId\": \"%s\"}}]}";
    assertThat(send("POST", "/api/analytics/real-time", ingest, events.formatted("a", "b")).statusCode()).isEqualTo(202);
    // once the clicks are in and nothing moves, two subscribers get the very same snapshot (its timestamp included)
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      var one = firstSnapshot("umbrella", read);
      return Json.MAPPER.readTree(one).get("dashboard").get("totalClicks").asLong() == 2 && one.equals(firstSnapshot("umbrella", read));
    });

    assertThat(send("POST", "/api/analytics/real-time", ingest, events.formatted("c", "d")).statusCode()).isEqualTo(202);
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
        Json.MAPPER.readTree(firstSnapshot("umbrella", read)).get("dashboard").get("totalClicks").asLong() == 4);
  }

  @Test
  void subscribingTakesAReadKeyOfTheOrganization() throws Exception {
    var body = "{\"organizationId\": \"acme\"}";
    assertThat(send("POST", "/api/analytics/real-time/subscribe", null, body).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/analytics/real-time/subscribe", globexRead, body).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/api/analytics/real-time/subscribe", acmeRead, "{}").statusCode()).isEqualTo(400);
    var id = subscribe("acme", acmeRead, "[\"c1\"]");
    assertThat(send("GET", "/api/analytics/real-time/updates?subscriptionId=" + id, globexRead, null).statusCode()).isEqualTo(403);
    var polled = send("GET", "/api/analytics/real-time/updates?subscriptionId=" + id, acmeRead, null);
    assertThat(polled.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(polled.body()).get("subscriptionId").asText()).isEqualTo(id);
    assertThat(send("DELETE", "/api/analytics/real-time/subscribe?subscriptionId=" + id, acmeRead, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/analytics/real-time/updates?subscriptionId=" + id, acmeRead, null).statusCode()).isEqualTo(404);
    var stats = send("GET", "/api/analytics/real-time/subscriptions/stats", ADMIN_KEY, null);
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(stats.body()).has("activeSubscriptions")).isTrue();
    assertThat(send("GET", "/api/analytics/real-time/subscriptions/stats", acmeRead, null).statusCode()).isEqualTo(403);
  }

  @Test
  void anSseClientGetsASnapshotThenUpdatesWhoseLastTotalsAreTheQueryApisAndResumesWithoutAGap() throws Exception {
    var id = subscribe("acme", acmeRead, null);
    var path = "/api/analytics/real-time/updates?subscriptionId=" + id + "&format=sse&token=" + acmeRead;
    List<SseReader.Sse> first;
    try (var sse = new SseReader(base() + path, null)) {
      assertThat(sse.response.statusCode()).isEqualTo(200);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !sse.events.isEmpty());
      assertThat(sse.events.get(0).event()).isEqualTo("snapshot");
      for (int burst = 0; burst < 5; burst++) ingest("acme", "c" + (burst % 2), 40);
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        var query = Json.MAPPER.readTree(send("GET", "/api/analytics/real-time/dashboard?organizationId=acme", acmeRead, null).body());
        var last = sse.events.stream().filter(e -> "update".equals(e.event()) && e.data().has("dashboard"))
            .reduce((a, b) -> b);
        assertThat(last).as("a dashboard update").isPresent();
        // other tests of the class click for acme too: what counts is that the last update is the query's answer
        assertThat(query.get("totalClicks").asLong()).isGreaterThanOrEqualTo(200);
        assertThat(last.get().data().get("dashboard").get("totalClicks").asLong()).isEqualTo(query.get("totalClicks").asLong());
        assertThat(last.get().data().get("dashboard").get("totalSpent").decimalValue())
            .isEqualByComparingTo(query.get("totalSpent").decimalValue());
      });
      assertThat(sse.events).anySatisfy(e -> assertThat(e.data().path("events").size()).isPositive());
      first = List.copyOf(sse.events);
    }
    var ids = first.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
    assertThat(ids).isSorted();
    // a reconnect that missed nothing: it goes on after the last id, no snapshot
    var resumeFrom = ids.get(ids.size() - 1);
    ingest("acme", "c0", 3);
    try (var sse = new SseReader(base() + path, Long.toString(resumeFrom))) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sse.events.stream().anyMatch(e -> e.id() != null));
      var next = sse.events.stream().filter(e -> e.id() != null).findFirst().orElseThrow();
      assertThat(next.event()).isEqualTo("update");
      assertThat(Long.parseLong(next.id())).isGreaterThan(resumeFrom);
    }
    // one from before everything still held: a fresh snapshot that says so
    try (var sse = new SseReader(base() + path, "0")) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sse.events.stream().anyMatch(e -> e.id() != null));
      var next = sse.events.stream().filter(e -> e.id() != null).findFirst().orElseThrow();
      assertThat(next.event()).isEqualTo("snapshot");
      assertThat(next.data().get("note").asText()).contains("no longer held");
    }
  }

  /** A websocket client that keeps every text frame, reading as fast as they come unless told not to read. */
  static final class Frames implements WebSocket.Listener {
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final boolean reads;
    private final StringBuilder partial = new StringBuilder();

    Frames(boolean reads) {
      this.reads = reads;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          received.add(Json.MAPPER.readTree(partial.toString()));
        } catch (Exception e) {
          throw new CompletionException(e);
        }
        partial.setLength(0);
      }
      if (reads) webSocket.request(1);
      return null;
    }
  }

  private static WebSocket connect(Frames frames, String key, String origin) {
    var builder = CLIENT.newWebSocketBuilder();
    if (origin != null) builder.header("Origin", origin);
    var uri = URI.create("ws://127.0.0.1:" + server.httpPort() + "/ws/dashboard" + (key == null ? "" : "?token=" + key));
    return builder.buildAsync(uri, frames).join();
  }

  @Test
  void websocketClientsSubscribeAndOneThatReadsNothingDoesNotHoldBackTheOther() throws Exception {
    var reader = new Frames(true);
    var idle = new Frames(false);
    var socket = connect(reader, acmeRead, "http://127.0.0.1:" + server.httpPort());
    var stuck = connect(idle, acmeRead, null);
    socket.sendText("{\"type\": \"subscribe\", \"organizationId\": \"acme\"}", true).join();
    stuck.sendText("{\"type\": \"subscribe\", \"organizationId\": \"acme\"}", true).join();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> reader.received.stream()
        .anyMatch(f -> f.get("type").asText().equals("snapshot")));
    var before = reader.received.size();
    for (int burst = 0; burst < 5; burst++) ingest("acme", "ws", 20);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reader.received.stream()
        .flatMap(f -> java.util.stream.StreamSupport.stream(f.path("campaigns").spliterator(), false))
        .filter(c -> c.get("campaignId").asText().equals("ws"))
        .anyMatch(c -> c.get("clicks").asLong() == 100));
    assertThat(reader.received.size()).isGreaterThan(before);
    assertThat(idle.received).hasSizeLessThanOrEqualTo(1);

    // another organisation through the same key: an error frame, the connection stays
    socket.sendText("{\"type\": \"subscribe\", \"organizationId\": \"globex\"}", true).join();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> reader.received.stream()
        .anyMatch(f -> f.get("type").asText().equals("error") && f.get("error").asText().equals("forbidden")));
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    stuck.abort();
  }

  @Test
  void theWebsocketTakesAKeyAndTheServersOwnOrAnAllowedOrigin() {
    assertThatThrownBy(() -> connect(new Frames(true), null, null)).rootCause().hasMessageContaining("status code 401");
    assertThatThrownBy(() -> connect(new Frames(true), acmeRead, "http://evil.example")).rootCause()
        .hasMessageContaining("status code 403");
    var allowed = connect(new Frames(true), acmeRead, "http://127.0.0.1:" + server.httpPort());
    allowed.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }
}
