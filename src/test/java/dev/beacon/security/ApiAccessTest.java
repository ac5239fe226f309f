package dev.beacon.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.Json;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Every endpoint of a server with an admin key configured, walked from one table: no key → 401
 * with a Bearer challenge; a key of another organisation → 403 (for ingest: each event of another
 * organisation refused with that reason); an organisation's key without the scope → 403; the right
 * key → 2xx. Endpoints that span organisations (pipeline status, metrics, the simulator) take the
 * admin key only; one that reads no organisation's data (the offline evaluation) takes any key
 * with the scope. Then: the {@code token} query parameter on read endpoints only, events without
 * an organisation taking the key's, revocation without a restart (on this node at once, on
 * another within the cache's TTL), and, over everything logged meanwhile, no key in any line.
 */
class ApiAccessTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String ADMIN_KEY = "admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
  private static final ListAppender<ILoggingEvent> LOGGED = new ListAppender<>();
  private static final Logger BEACON_LOGGER = (Logger) LoggerFactory.getLogger("dev.beacon");
  private static Level beaconLevel;
  private static Path dir;
  private static EmbeddedKafka kafka;
  private static BeaconServer server;
  /** Keys of organisation acme with one scope, with every scope but one, and a key of globex with every scope. */
  private static final Map<Scope, String> ACME_ONLY = new EnumMap<>(Scope.class);
  private static final Map<Scope, String> ACME_ALL_BUT = new EnumMap<>(Scope.class);
  private static String globexAll;
  /** Every key made or used, for the log check. */
  private static final List<String> KEYS = new ArrayList<>();

  private record Answer(int status, JsonNode body, HttpResponse<String> response) {}

  @BeforeAll
  static void start() throws Exception {
    LOGGED.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGGED);
    beaconLevel = BEACON_LOGGER.getLevel();
    BEACON_LOGGER.setLevel(Level.DEBUG);
    KEYS.add(ADMIN_KEY);
    dir = Files.createTempDirectory("beacon-access");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
    server = BeaconServer.start(TestServers.config(dir, kafka.bootstrapServers(), TestDatabase.h2(dir),
        "access-" + UUID.randomUUID(), """
            beacon.security.admin-key = "%s"
            beacon.security.key-cache-ttl = 1s
            beacon.security.rate-limits.ingest { per-second = 1000, burst = 1000 }
            beacon.security.rate-limits.read { per-second = 1000, burst = 1000 }
            beacon.security.rate-limits.admin { per-second = 1000, burst = 1000 }
            pekko.loglevel = INFO
            """.formatted(ADMIN_KEY)));
    for (var scope : Scope.values()) {
      ACME_ONLY.put(scope, makeKey("acme", EnumSet.of(scope)));
      ACME_ALL_BUT.put(scope, makeKey("acme", EnumSet.complementOf(EnumSet.of(scope))));
    }
    globexAll = makeKey("globex", EnumSet.allOf(Scope.class));

    // what the read endpoints answer about: a campaign, a user's journey, a conversion on the read side
    var sent = send("POST", "/api/analytics/real-time", ADMIN_KEY, "application/json", events("acme", "seed"));
    assertThat(sent.status()).isEqualTo(202);
    for (var path : List.of("/api/attribution/markov?organizationId=acme", "/api/users/u-seed/journey?organizationId=acme",
        "/api/campaigns/c1/analytics/real-time?organizationId=acme")) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        var answer = send("GET", path, ADMIN_KEY, null, null);
        assertThat(answer.status()).as(path + " " + answer.response().body()).isEqualTo(200);
      });
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (server != null) server.stop().toCompletableFuture().get();
      if (kafka != null) kafka.close();
    } finally {
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGGED);
      BEACON_LOGGER.setLevel(beaconLevel);
    }
    assertNoKeyLogged();
  }

  /**
   * One endpoint: what it takes, and what it answers the right key. {@code anyOrganization}: it
   * reads no organisation's data, so a key of any organisation with the scope gets through.
   */
  record Endpoint(String method, String path, String contentType, Supplier<byte[]> body, Scope scope,
      boolean everyOrganization, boolean anyOrganization, int success) {
    Endpoint(String method, String path, String contentType, Supplier<byte[]> body, Scope scope, boolean everyOrganization,
        int success) {
      this(method, path, contentType, body, scope, everyOrganization, false, success);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static Stream<Endpoint> endpoints() {
    var read = List.of(
        "/api/campaigns/c1/analytics/real-time?organizationId=acme",
        "/api/campaigns/c1/analytics/daily?organizationId=acme",
        "/api/analytics/real-time/dashboard?organizationId=acme",
        "/api/attribution/compare?organizationId=acme",
        "/api/attribution/channels?organizationId=acme",
        "/api/attribution/timeseries?organizationId=acme",
        "/api/attribution/markov?organizationId=acme",
        "/api/users/u-seed/journey?organizationId=acme",
        "/api/analytics/events/live?organizationId=acme");
    var all = new ArrayList<Endpoint>();
    all.add(new Endpoint("POST", "/api/analytics/real-time", "application/json", () -> events("acme", "table"),
        Scope.INGEST, false, 202));
    all.add(new Endpoint("POST", "/api/campaigns/c1/analytics/real-time", "application/json", () -> events("acme", "table"),
        Scope.INGEST, false, 202));
    read.forEach(path -> all.add(new Endpoint("GET", path, null, null, Scope.READ, false, 200)));
    all.add(new Endpoint("POST", "/api/admin/import/ga4?organizationId=acme", "application/x-ndjson", ApiAccessTest::ga4Row,
        Scope.ADMIN, false, 202));
    all.add(new Endpoint("POST", "/api/admin/organizations/acme/keys", "application/json",
        () -> "{\"scopes\": [\"read\"]}".getBytes(StandardCharsets.UTF_8), Scope.ADMIN, false, 201));
    all.add(new Endpoint("GET", "/api/admin/organizations/acme/keys", null, null, Scope.ADMIN, false, 200));
    all.add(new Endpoint("DELETE", "/api/admin/organizations/acme/keys/{fresh}", null, null, Scope.ADMIN, false, 204));
    all.add(new Endpoint("POST", "/api/models/evaluate?policy=uniform", "text/csv",
        () -> "item_id,click,propensity_score\n1,1,0.5\n".getBytes(StandardCharsets.UTF_8), Scope.READ, false, true, 200));
    all.add(new Endpoint("GET", "/api/analytics/real-time", null, null, Scope.READ, true, 200));
    all.add(new Endpoint("GET", "/metrics", null, null, Scope.READ, true, 200));
    all.add(new Endpoint("GET", "/api/analytics/real-time/simulate", null, null, Scope.ADMIN, true, 200));
    all.add(new Endpoint("POST", "/api/analytics/real-time/simulate", "application/json",
        () -> "{\"action\": \"stop\"}".getBytes(StandardCharsets.UTF_8), Scope.ADMIN, true, 200));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void withoutAKeyTheAnswerIs401WithABearerChallenge(Endpoint endpoint) throws Exception {
    var answer = call(endpoint, null);
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.response().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        challenge -> assertThat(challenge).startsWith("Bearer").contains("realm=\"beacon\""));
    assertThat(answer.body().get("reasons").toString()).contains("Authorization: a key is required");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void anUnknownKeyIs401AsAnInvalidToken(Endpoint endpoint) throws Exception {
    var unknown = "bk_" + "x".repeat(8) + "_" + "y".repeat(24);
    KEYS.add(unknown);
    var answer = call(endpoint, unknown);
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.response().headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aKeyOfAnotherOrganizationIsRefused(Endpoint endpoint) throws Exception {
    // an endpoint spanning organisations refuses even acme's key with the scope; the others refuse globex's
    var key = endpoint.everyOrganization() ? ACME_ONLY.get(endpoint.scope()) : globexAll;
    var answer = call(endpoint, key);
    if (endpoint.anyOrganization()) {
      // nothing of acme's in it: globex's key is as good as acme's
      assertThat(answer.status()).as(answer.response().body()).isEqualTo(endpoint.success());
    } else if (endpoint.scope() == Scope.INGEST) {
      // the events are acme's: each is refused on its own, so the request as a whole is bad input
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.body().toString()).contains("organizationId: must be 'globex' (the organization of the key)");
    } else {
      assertThat(answer.status()).isEqualTo(403);
      assertThat(answer.body().get("reasons").toString())
          .contains(endpoint.everyOrganization() ? "covers every organization" : "belongs to organization globex, not acme");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aKeyOfTheOrganizationWithoutTheScopeIs403(Endpoint endpoint) throws Exception {
    var answer = call(endpoint, ACME_ALL_BUT.get(endpoint.scope()));
    assertThat(answer.status()).isEqualTo(403);
    if (!endpoint.everyOrganization()) {
      assertThat(answer.body().get("reasons").toString()).contains("has no " + endpoint.scope().wireName() + " scope");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void theRightKeyGetsThrough(Endpoint endpoint) throws Exception {
    var key = endpoint.everyOrganization() ? ADMIN_KEY : ACME_ONLY.get(endpoint.scope());
    var answer = call(endpoint, key);
    assertThat(answer.status()).as(answer.response().body()).isEqualTo(endpoint.success());
  }

  @Test
  void theAdminKeyReachesEveryOrganizationsEndpoints() throws Exception {
    for (var endpoint : endpoints().toList()) {
      assertThat(call(endpoint, ADMIN_KEY).status()).as(endpoint.toString()).isEqualTo(endpoint.success());
    }
  }

  @Test
  void aKeyInTheQueryIsTakenByReadEndpointsOnly() throws Exception {
    var read = ACME_ONLY.get(Scope.READ);
    assertThat(send("GET", "/api/analytics/events/live?organizationId=acme&token=" + read, null, null, null).status())
        .isEqualTo(200);
    var ingest = ACME_ONLY.get(Scope.INGEST);
    var refused = send("POST", "/api/analytics/real-time?token=" + ingest, null, "application/json", events("acme", "query"));
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body().get("reasons").toString()).contains("token: a key in the query is taken by read endpoints only");
    var admin = ACME_ONLY.get(Scope.ADMIN);
    assertThat(send("GET", "/api/admin/organizations/acme/keys?token=" + admin, null, null, null).status()).isEqualTo(401);
  }

  @Test
  void anEventWithoutAnOrganizationTakesTheKeysAndOneOfAnotherIsRefusedAlone() throws Exception {
    var body = """
        {"events": [
          {"eventType": "click", "campaignId": "c-own", "value": 1},
          {"eventType": "click", "campaignId": "c-own", "organizationId": "globex"},
          {"eventType": "click", "campaignId": "c-own", "organizationId": "acme"}]}""";
    var answer = send("POST", "/api/analytics/real-time", ACME_ONLY.get(Scope.INGEST), "application/json",
        body.getBytes(StandardCharsets.UTF_8));
    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body().get("accepted").asInt()).isEqualTo(2);
    assertThat(answer.body().get("rejected")).hasSize(1);
    assertThat(answer.body().get("rejected").get(0).get("index").asInt()).isEqualTo(1);
    assertThat(answer.body().get("rejected").get(0).get("reasons").get(0).asText())
        .isEqualTo("organizationId: must be 'acme' (the organization of the key), got 'globex'");
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      var metrics = send("GET", "/api/campaigns/c-own/analytics/real-time?organizationId=acme", ACME_ONLY.get(Scope.READ), null, null);
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.body().toString()).contains("\"clicks\":2");
    });
    assertThat(send("GET", "/api/campaigns/c-own/analytics/real-time?organizationId=globex", globexAll, null, null).status())
        .isEqualTo(404);
  }

  @Test
  void aKeyRevokedThroughTheApiIsRefusedAtItsNextRequest() throws Exception {
    var made = create("acme", "[\"read\"]");
    var key = made.get("key").asText();
    var live = "/api/analytics/events/live?organizationId=acme";
    assertThat(send("GET", live, key, null, null).status()).isEqualTo(200);
    var listed = send("GET", "/api/admin/organizations/acme/keys", ACME_ONLY.get(Scope.ADMIN), null, null);
    assertThat(listed.response().body()).contains(made.get("id").asText()).contains(made.get("prefix").asText())
        .doesNotContain(key);

    var revoked = send("DELETE", "/api/admin/organizations/acme/keys/" + made.get("id").asText(), ACME_ONLY.get(Scope.ADMIN), null, null);
    assertThat(revoked.status()).isEqualTo(204);
    var after = send("GET", live, key, null, null);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.body().get("reasons").toString()).contains("unknown or revoked key");
    assertThat(send("DELETE", "/api/admin/organizations/acme/keys/" + made.get("id").asText(), ADMIN_KEY, null, null).status())
        .isEqualTo(404);
  }

  @Test
  void aKeyRevokedElsewhereIsRefusedWithinTheCachesLifetime() throws Exception {
    var made = create("acme", "[\"read\"]");
    var key = made.get("key").asText();
    var live = "/api/analytics/events/live?organizationId=acme";
    assertThat(send("GET", live, key, null, null).status()).isEqualTo(200);
    // another node revokes it: straight in the shared database, not through this server
    var db = TestDatabase.h2(dir);
    try (var pool = new ReadSideDatabase(new DatabaseSettings(db.url, db.user, db.password, 1), 1)) {
      assertThat(new ApiKeys(pool.dataSource(), Clock.systemUTC()).revoke("acme", made.get("id").asText())).isTrue();
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> send("GET", live, key, null, null).status() == 401);
  }

  @Test
  void badKeyRequestsAreRefusedWithTheirReasons() throws Exception {
    var admin = ACME_ONLY.get(Scope.ADMIN);
    var noScopes = send("POST", "/api/admin/organizations/acme/keys", admin, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(noScopes.status()).isEqualTo(400);
    assertThat(noScopes.body().get("reasons").toString()).contains("scopes: required");
    var unknownScope = send("POST", "/api/admin/organizations/acme/keys", admin, "application/json",
        "{\"scopes\": [\"read\", \"root\", \"read\"]}".getBytes(StandardCharsets.UTF_8));
    assertThat(unknownScope.status()).isEqualTo(400);
    assertThat(unknownScope.body().get("reasons").toString()).contains("scopes[1]: must be one of ingest, read, admin")
        .contains("scopes[2]: read given twice");
    var badOrg = send("GET", "/api/admin/organizations/no%20such/keys", ADMIN_KEY, null, null);
    assertThat(badOrg.status()).isEqualTo(400);
    // the Basic user is taken as a key (Segment's libraries send their write key so): this one is none
    var basic = sendWithHeader("GET", "/api/analytics/events/live?organizationId=acme", "Basic dXNlcjpwYXNz");
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.body().get("reasons").toString()).contains("Authorization: unknown or revoked key");
    var digest = sendWithHeader("GET", "/api/analytics/events/live?organizationId=acme", "Digest username=\"ann\"");
    assertThat(digest.status()).isEqualTo(401);
    assertThat(digest.body().get("reasons").toString()).contains("expected Bearer <key>, got the Digest scheme");
    var malformed = sendWithHeader("GET", "/api/analytics/events/live?organizationId=acme", "Bearer two words");
    assertThat(malformed.status()).isEqualTo(401);
    assertThat(malformed.body().get("reasons").toString()).contains("Authorization: not a valid header");
  }

  /** What was logged so far has no key in it; {@link #stop} checks everything logged once the class is done. */
  @Test
  void noKeyIsEverWrittenToTheLog() throws Exception {
    // the shapes most likely to be logged: a malformed header, a key in the query, a refused and an unknown key
    sendWithHeader("GET", "/api/analytics/events/live?organizationId=acme", "Bearer " + ADMIN_KEY + " trailing words");
    sendWithHeader("GET", "/api/analytics/events/live?organizationId=acme", "Bearer");
    send("POST", "/api/analytics/real-time?token=" + ADMIN_KEY, null, "application/json", events("acme", "log"));
    send("GET", "/api/analytics/events/live?organizationId=acme&token=" + ACME_ONLY.get(Scope.READ) + "x", null, null, null);
    send("GET", "/api/analytics/real-time", globexAll, null, null);
    send("GET", "/api/analytics/events/live?organizationId=acme&pad=" + "p".repeat(5_000) + "&token=" + ADMIN_KEY, null, null, null);
    assertNoKeyLogged();
  }

  private static void assertNoKeyLogged() {
    List<String> lines;
    synchronized (LOGGED) {
      lines = LOGGED.list.stream().map(e -> e.getFormattedMessage() + " " + (e.getThrowableProxy() == null ? ""
          : e.getThrowableProxy().getMessage())).toList();
    }
    assertThat(lines).as("lines logged while the test ran").isNotEmpty();
    for (var key : KEYS) {
      // the prefix of a key is not secret (lists show it); what follows it is
      var secret = key.startsWith("bk_") ? key.substring(12) : key;
      assertThat(lines).noneMatch(line -> line.contains(secret));
    }
  }

  private static Answer call(Endpoint endpoint, String key) throws Exception {
    var path = endpoint.path();
    if (path.contains("{fresh}")) path = path.replace("{fresh}", create("acme", "[\"read\"]").get("id").asText());
    return send(endpoint.method(), path, key, endpoint.contentType(), endpoint.body() == null ? null : endpoint.body().get());
  }

  private static JsonNode create(String org, String scopes) throws Exception {
    var answer = send("POST", "/api/admin/organizations/" + org + "/keys", ADMIN_KEY, "application/json",
        ("{\"scopes\": " + scopes + "}").getBytes(StandardCharsets.UTF_8));
    assertThat(answer.status()).as(answer.response().body()).isEqualTo(201);
    KEYS.add(answer.body().get("key").asText());
    return answer.body();
  }

  private static String makeKey(String org, Set<Scope> scopes) throws Exception {
    var names = scopes.stream().map(s -> "\"" + s.wireName() + "\"").toList();
    return create(org, names.toString()).get("key").asText();
  }

  private static byte[] events(String org, String user) {
    var metadata = "\"metadata\": {\"userId\": \"u-" + user + "\"}";
    return ("{\"events\": [{\"eventType\": \"click\", \"campaignId\": \"c1\", \"organizationId\": \"" + org + "\", "
        + metadata + "}, {\"eventType\": \"conversion\", \"campaignId\": \"c1\", \"organizationId\": \"" + org
        + "\", \"value\": 20, " + metadata + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ga4Row() {
    return ("{\"event_name\":\"page_view\",\"event_timestamp\":1606989600000000,\"user_pseudo_id\":\"77.1\","
        + "\"event_params\":[{\"key\":\"ga_session_id\",\"value\":{\"int_value\":5}}]}\n").getBytes(StandardCharsets.UTF_8);
  }

  private static Answer send(String method, String path, String key, String contentType, byte[] body) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (key != null) request.header("Authorization", "Bearer " + key);
    if (contentType != null) request.header("Content-Type", contentType);
    return answer(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  private static Answer sendWithHeader(String method, String path, String authorization) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody())
        .header("Authorization", authorization);
    return answer(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  private static Answer answer(HttpResponse<String> response) {
    JsonNode json = null;
    try {
      json = Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      // not JSON (metrics, 204): the text stays in the response
    }
    return new Answer(response.statusCode(), json, response);
  }
}
