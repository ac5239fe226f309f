package dev.beacon.bandit.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.security.Scope;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.KeyedServer;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model API on a running server that requires keys: configure, decide, reward, stats,
 * checkpoints, rollback, export and import with the scope each takes (read for GET, ingest for
 * decide and reward, admin for configure, rollback and import) in the model's organisation; 401
 * without a key, 403 for another organisation's key or a key without the scope; 400 with reasons
 * by field, 404 for an unknown model or decision, 409 for a second reward or a model of another
 * organisation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BanditModelApiTest {
  private static final String ACME = "acme";
  private KeyedServer server;
  private HttpCalls http;
  /** acme's keys with one scope each, acme's keys with every scope but one, and a globex key with every scope. */
  private final Map<Scope, String> acmeOnly = new EnumMap<>(Scope.class);
  private final Map<Scope, String> acmeAllBut = new EnumMap<>(Scope.class);
  private String globexAll;
  /** A model of acme with a decision rewarded ({@code d-1}) and one open ({@code d-2}): what the endpoint table calls. */
  private final String seeded = "seeded-" + UUID.randomUUID();

  @BeforeAll
  void start() throws Exception {
    server = KeyedServer.start("models-api", "beacon.bandit.checkpoint-every = 2\n");
    http = server.http();
    for (var scope : Scope.values()) {
      acmeOnly.put(scope, key(ACME, EnumSet.of(scope)));
      acmeAllBut.put(scope, key(ACME, EnumSet.complementOf(EnumSet.of(scope))));
    }
    globexAll = key("globex", EnumSet.allOf(Scope.class));
    assertThat(configure(seeded, "[\"spring-sale\", \"newsletter\"]", ", \"dimension\": 2").status()).isEqualTo(201);
    var first = decide(seeded, "[1, 0]");
    assertThat(reward(seeded, first.body().get("decisionId").asText(), 1).status()).isEqualTo(200);
    decide(seeded, "[0, 1]");
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) server.close();
  }

  private String key(String org, Set<Scope> scopes) {
    return server.key(org, scopes);
  }

  /** PUT /api/models/{model} for acme with its admin key; {@code more}: further fields, each after a comma. */
  private HttpCalls.Answer configure(String model, String arms, String more) {
    return http.send("PUT", "/api/models/" + model, acmeOnly.get(Scope.ADMIN),
        "{\"organizationId\": \"acme\", \"arms\": " + arms + more + "}");
  }

  private HttpCalls.Answer decide(String model, String features) {
    var answer = http.send("POST", "/api/models/" + model + "/decide", acmeOnly.get(Scope.INGEST), "{\"features\": " + features + "}");
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    return answer;
  }

  private HttpCalls.Answer reward(String model, String decisionId, double reward) {
    return http.send("POST", "/api/models/" + model + "/reward", acmeOnly.get(Scope.INGEST),
        "{\"decisionId\": \"" + decisionId + "\", \"reward\": " + reward + "}");
  }

  private JsonNode stats(String model) {
    var answer = http.send("GET", "/api/models/" + model, acmeOnly.get(Scope.READ), null);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    return answer.body();
  }

  private String fresh() {
    var model = "m-" + UUID.randomUUID();
    assertThat(configure(model, "[\"spring-sale\", \"newsletter\", \"retargeting\"]", ", \"dimension\": 3").status()).isEqualTo(201);
    return model;
  }

  @Test
  void aModelIsConfiguredDecidesLearnsAndCountsWithTheRightKeys() {
    var model = "m-" + UUID.randomUUID();

    var created = configure(model, "[\"spring-sale\", \"newsletter\"]", ", \"alpha\": 0.5");
    var again = configure(model, "[\"newsletter\", \"spring-sale\"]", ", \"alpha\": 0.5");
    var decision = decide(model, "[" + "0.5, ".repeat(20) + "1]");
    var decisionId = decision.body().get("decisionId").asText();
    var learned = reward(model, decisionId, 3);

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().get("dimension").asInt()).as("the default dimension").isEqualTo(21);
    assertThat(created.body().get("alpha").asDouble()).isEqualTo(0.5);
    assertThat(created.body().get("lambda").asDouble()).isEqualTo(1.0);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().get("version").asLong()).isEqualTo(created.body().get("version").asLong());
    assertThat(decisionId).isEqualTo("d-1");
    assertThat(List.of("spring-sale", "newsletter")).contains(decision.body().get("arm").asText());
    assertThat(decision.body().get("propensity").asDouble()).isEqualTo(0.5);
    assertThat(decision.body().get("scores").size()).isEqualTo(2);
    assertThat(decision.body().get("modelVersion").asLong()).isEqualTo(1);
    assertThat(learned.status()).isEqualTo(200);
    assertThat(learned.body().get("learned").asBoolean()).isTrue();
    assertThat(learned.body().has("reason")).isFalse();
    var stats = stats(model);
    assertThat(stats.get("organizationId").asText()).isEqualTo(ACME);
    assertThat(stats.get("totalUpdates").asLong()).isEqualTo(1);
    assertThat(stats.get("averageReward").asDouble()).isEqualTo(3.0);
    assertThat(stats.get("actionCounts").get(decision.body().get("arm").asText()).asLong()).isEqualTo(1);
    assertThat(stats.get("version").asLong()).isEqualTo(2);
  }

  @Test
  void aSecondRewardIs409AndAnUnknownDecisionOrModelIs404() {
    var model = fresh();
    var decisionId = decide(model, "[1, 2, 3]").body().get("decisionId").asText();
    assertThat(reward(model, decisionId, 1).status()).isEqualTo(200);

    var second = reward(model, decisionId, 1);
    var unknownDecision = reward(model, "d-42", 1);
    var unknownModel = http.send("GET", "/api/models/never-made", server.adminKey(), null);

    assertThat(second.status()).isEqualTo(409);
    assertThat(second.body().get("reasons").toString()).contains("decisionId: the decision had its reward");
    assertThat(unknownDecision.status()).isEqualTo(404);
    assertThat(unknownDecision.body().get("error").asText()).startsWith("unknown decision");
    assertThat(unknownModel.status()).isEqualTo(404);
    assertThat(unknownModel.body().get("error").asText()).isEqualTo("unknown model never-made");
    assertThat(stats(model).get("totalUpdates").asLong()).isEqualTo(1);
  }

  record BadRequest(String method, String path, Scope scope, String body, String reason) {
    @Override
    public String toString() {
      return method + " " + path + " " + body;
    }
  }

  Stream<BadRequest> badRequests() {
    var m = "/api/models/" + seeded;
    return Stream.of(
        new BadRequest("PUT", m, Scope.ADMIN, "{\"arms\": [\"a\"]}", "organizationId: required"),
        new BadRequest("PUT", m, Scope.ADMIN, "{\"organizationId\": \"acme\", \"arms\": [\"a\", \"a\"]}", "arms[1]: 'a' is there twice"),
        new BadRequest("PUT", m, Scope.ADMIN, "{\"organizationId\": \"acme\", \"arms\": []}", "arms: required, a non-empty array"),
        new BadRequest("PUT", m, Scope.ADMIN, "{\"organizationId\": \"acme\", \"arms\": [\"a\"], \"dimension\": 0}",
            "dimension: must be a whole number from 1 to 256"),
        new BadRequest("PUT", m, Scope.ADMIN, "{\"organizationId\": \"acme\", \"arms\": [\"a\"], \"alpha\": \"high\"}",
            "alpha: must be a finite number"),
        new BadRequest("PUT", m, Scope.ADMIN, "{\"organizationId\": \"acme\", \"arms\": [\"a\"], \"lamda\": 2}", "lamda: unknown field"),
        new BadRequest("PUT", m, Scope.ADMIN, "{\"organizationId\": \"acme\", \"arms\": [\"spring-sale\"], \"dimension\": 3}",
            "dimension: the model's dimension is 2 and cannot change"),
        new BadRequest("POST", m + "/decide", Scope.INGEST, "{\"features\": [1, 2, 3]}", "features: the model's dimension is 2, got 3 values"),
        new BadRequest("POST", m + "/decide", Scope.INGEST, "{\"features\": [1, \"NaN\"]}", "features[1]: must be a finite number"),
        new BadRequest("POST", m + "/decide", Scope.INGEST, "{\"features\": [1, 1e400]}", "features[1]: must be a finite number"),
        new BadRequest("POST", m + "/decide", Scope.INGEST, "{\"userId\": \"u-1\"}", "userId: model " + seeded + " has dimension 2;"),
        new BadRequest("POST", m + "/decide", Scope.INGEST, "{}", "features: required without userId"),
        new BadRequest("POST", m + "/decide", Scope.INGEST, "{\"features\": [1, 2], \"deviceType\": \"mobile\"}",
            "deviceType: only with a userId alone"),
        new BadRequest("POST", "/api/models/segment@acme/decide", Scope.INGEST, "{\"features\": [1, 2]}",
            "features: the segment's model decides on the user's journey"),
        new BadRequest("GET", "/api/models/segment@acme", Scope.READ, null, "modelId: segment@acme only decides"),
        new BadRequest("GET", "/api/models/vip@acme", Scope.READ, null, "modelId: before '@' comes a segment"),
        new BadRequest("GET", "/api/models/new@bad%20org", Scope.READ, null, "modelId: after '@' comes an organization id"),
        new BadRequest("POST", m + "/decide", Scope.INGEST, "{\"features\": [1, 2", "body: malformed JSON"),
        new BadRequest("POST", m + "/reward", Scope.INGEST, "{\"reward\": 1}", "decisionId: required"),
        new BadRequest("POST", m + "/reward", Scope.INGEST, "{\"decisionId\": \"d-2\", \"reward\": \"1\"}", "reward: must be a finite number"),
        new BadRequest("POST", m + "/reward", Scope.INGEST, "{\"decisionId\": \"d-2\", \"reward\": 2e6}",
            "reward: must be between -1000000 and 1000000"),
        new BadRequest("POST", m + "/rollback", Scope.ADMIN, "{\"checkpoint\": \"updates-7\"}", "checkpoint: no checkpoint 'updates-7'"),
        new BadRequest("PUT", m + "/import", Scope.ADMIN, "{\"settings\": {\"dimension\": 2}, \"arms\": []}", "settings"),
        new BadRequest("PUT", m + "/import", Scope.ADMIN, "[1, 2]", "body: must be a JSON object"),
        new BadRequest("GET", "/api/models/bad%20id", Scope.READ, null, "modelId: must match"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badInputIs400WithItsReasonAndChangesNothing(BadRequest request) {
    var before = stats(seeded);

    var answer = http.send(request.method(), request.path(), acmeOnly.get(request.scope()), request.body());

    assertThat(answer.status()).as(answer.text()).isEqualTo(400);
    assertThat(answer.body().get("reasons").toString()).contains(request.reason());
    assertThat(stats(seeded)).isEqualTo(before);
  }

  record Endpoint(String method, String path, Scope scope, String body, int success) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  Stream<Endpoint> endpoints() {
    var m = "/api/models/" + seeded;
    return Stream.of(
        new Endpoint("PUT", m, Scope.ADMIN, "{\"organizationId\": \"acme\", \"arms\": [\"spring-sale\", \"newsletter\"]}", 200),
        new Endpoint("POST", m + "/decide", Scope.INGEST, "{\"features\": [0.5, 0.5]}", 200),
        new Endpoint("POST", m + "/reward", Scope.INGEST, "{\"decisionId\": \"d-1\", \"reward\": 1}", 409),
        new Endpoint("GET", m, Scope.READ, null, 200),
        new Endpoint("GET", m + "/checkpoints", Scope.READ, null, 200),
        new Endpoint("GET", m + "/export", Scope.READ, null, 200),
        new Endpoint("POST", m + "/rollback", Scope.ADMIN, "{\"checkpoint\": \"updates-1\"}", 400),
        new Endpoint("PUT", m + "/import", Scope.ADMIN, "{}", 400),
        new Endpoint("POST", "/api/models/segment@acme/decide", Scope.INGEST, "{\"userId\": \"u-9\"}", 200),
        new Endpoint("GET", "/api/models/default@acme", Scope.READ, null, 200));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void withoutAKeyEveryModelEndpointIs401(Endpoint endpoint) {
    var answer = http.send(endpoint.method(), endpoint.path(), null, endpoint.body());

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.body().get("reasons").toString()).contains("Authorization: a key is required");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aKeyOfAnotherOrganizationIs403(Endpoint endpoint) {
    var answer = http.send(endpoint.method(), endpoint.path(), globexAll, endpoint.body());

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.body().get("reasons").toString()).contains("belongs to organization globex, not acme");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aKeyWithoutTheScopeIs403(Endpoint endpoint) {
    var answer = http.send(endpoint.method(), endpoint.path(), acmeAllBut.get(endpoint.scope()), endpoint.body());

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.body().get("reasons").toString()).contains("has no " + endpoint.scope().wireName() + " scope");
  }

  /** The rollback and import of the table are refused for their bodies: past the key checks, the entity answers. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void theKeyWithTheScopeGetsThrough(Endpoint endpoint) {
    var answer = http.send(endpoint.method(), endpoint.path(), acmeOnly.get(endpoint.scope()), endpoint.body());

    assertThat(answer.status()).as(answer.text()).isEqualTo(endpoint.success());
  }

  @Test
  void aModelOfAnotherOrganizationCannotBeTakenOver() {
    var answer = http.send("PUT", "/api/models/" + seeded, globexAll, "{\"organizationId\": \"globex\", \"arms\": [\"x\"]}");

    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.body().get("reasons").toString()).contains("belongs to another organization");
    assertThat(stats(seeded).get("organizationId").asText()).isEqualTo(ACME);
  }

  @Test
  void checkpointsAreListedAndRollbackExportAndImportWorkOverHttp() {
    var model = fresh();
    for (var i = 0; i < 2; i++) {
      var id = decide(model, "[1, " + i + ", 0]").body().get("decisionId").asText();
      assertThat(reward(model, id, 1).status()).isEqualTo(200);
    }
    var atCheckpoint = http.send("GET", "/api/models/" + model + "/export", acmeOnly.get(Scope.READ), null);
    var third = decide(model, "[0, 0, 1]").body().get("decisionId").asText();
    reward(model, third, 0);
    var admin = acmeOnly.get(Scope.ADMIN);

    var checkpoints = http.send("GET", "/api/models/" + model + "/checkpoints", acmeOnly.get(Scope.READ), null);
    var rolledBack = http.send("POST", "/api/models/" + model + "/rollback", admin, "{\"checkpoint\": \"updates-2\"}");
    var afterRollback = http.send("GET", "/api/models/" + model + "/export", acmeOnly.get(Scope.READ), null);
    var copy = fresh();
    var imported = http.send("PUT", "/api/models/" + copy + "/import", admin, afterRollback.text());

    assertThat(checkpoints.status()).isEqualTo(200);
    assertThat(checkpoints.body().get("checkpoints")).hasSize(1);
    assertThat(checkpoints.body().get("checkpoints").get(0).get("name").asText()).isEqualTo("updates-2");
    assertThat(checkpoints.body().get("checkpoints").get(0).get("totalUpdates").asLong()).isEqualTo(2);
    assertThat(rolledBack.status()).as(rolledBack.text()).isEqualTo(200);
    assertThat(rolledBack.body().get("totalUpdates").asLong()).isEqualTo(3);
    assertThat(afterRollback.body()).isEqualTo(atCheckpoint.body());
    assertThat(imported.status()).as(imported.text()).isEqualTo(200);
    var copied = http.send("GET", "/api/models/" + copy + "/export", acmeOnly.get(Scope.READ), null);
    assertThat(copied.body()).isEqualTo(atCheckpoint.body());
  }
}
