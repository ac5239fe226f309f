package dev.beacon.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Json;
import dev.beacon.security.Access;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator's HTTP API, bound alone on a free port, called with a plain HTTP client. */
class SimulatorRoutesTest {
  static final ActorTestKit testKit = ActorTestKit.create("SimulatorRoutesTest",
      ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.defaultReference()));
  static final HttpClient client = HttpClient.newHttpClient();
  static final SimulatorTest.RecordingSink sink = new SimulatorTest.RecordingSink();
  static Simulator simulator;
  static ServerBinding binding;

  record Answer(int status, JsonNode body) {}

  @BeforeAll
  static void bind() {
    var settings = new SimulatorSettings(false, "demo", List.of("c1"), 600, 42, 100, 0.01, 64, "",
        SimulatorSettings.DEFAULT_ORGANIZATION_ID_PATTERN);
    simulator = new Simulator(testKit.system(), sink, "routes-events", settings, Clock.systemUTC());
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(new SimulatorRoutes(simulator, Access.open()).routes())
        .toCompletableFuture().join();
  }

  @AfterAll
  static void unbind() {
    simulator.shutdown().toCompletableFuture().join();
    binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().join();
    testKit.shutdownTestKit();
  }

  private static URI uri() {
    return URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/api/analytics/real-time/simulate");
  }

  private static Answer send(HttpRequest request) throws IOException, InterruptedException {
    var response = client.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), Json.MAPPER.readTree(response.body()));
  }

  private static Answer post(String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private static Answer status() throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri()).GET().build());
  }

  private static List<String> reasons(Answer answer) {
    var reasons = new ArrayList<String>();
    answer.body().get("reasons").forEach(r -> reasons.add(r.asText()));
    return reasons;
  }

  @Test
  void aBurstAnswers200WithTheNumberSent() throws Exception {
    var before = sink.records.size();
    var answer = post("{\"action\":\"burst\",\"campaignIds\":[\"c1\"],\"organizationId\":\"org_456\",\"options\":{\"count\":40}}");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().get("action").asText()).isEqualTo("burst");
    assertThat(answer.body().get("sent").asLong()).isEqualTo(40);
    assertThat(answer.body().get("failed").asLong()).isZero();
    assertThat(answer.body().has("userId")).as("only a journey names its user").isFalse();
    assertThat(sink.records.size() - before).isEqualTo(40);
  }

  @Test
  void aJourneyAnswers200WithTheUserAndItsEvents() throws Exception {
    var answer = post("{\"action\":\"journey\",\"campaignIds\":[\"camp_123\"],\"organizationId\":\"org_456\"}");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().get("userId").asText()).startsWith("user-");
    assertThat(answer.body().get("events").get(0).asText()).isEqualTo("impression");
    assertThat(answer.body().get("sent").asLong()).isEqualTo(answer.body().get("events").size());
  }

  @Test
  void startAnswers202AndTheStatusShowsTheRunUntilStop() throws Exception {
    var started = post("{\"action\":\"start\",\"campaignIds\":[\"camp_123\",\"camp_124\"],\"organizationId\":\"org_456\","
        + "\"options\":{\"eventsPerMinute\":3000,\"duration\":30,\"impressionRate\":0.7,\"clickRate\":0.25,\"conversionRate\":0.05}}");
    assertThat(started.status()).isEqualTo(202);
    assertThat(started.body().get("started").asBoolean()).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> status().body().get("eventsSent").asLong() >= 10);
    var running = status();
    assertThat(running.status()).isEqualTo(200);
    assertThat(running.body().get("running").asBoolean()).isTrue();
    assertThat(running.body().get("mode").asText()).isEqualTo("continuous");
    assertThat(running.body().get("organizationId").asText()).isEqualTo("org_456");
    assertThat(running.body().get("options").get("eventsPerMinute").asInt()).isEqualTo(3000);
    assertThat(running.body().get("options").has("count")).isFalse();
    assertThat(running.body().has("currentRate")).isTrue();
    assertThat(running.body().get("startedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    var stopped = post("{\"action\":\"stop\"}");
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.body().get("stopped").asBoolean()).isTrue();
    assertThat(status().body().get("running").asBoolean()).isFalse();
  }

  @Test
  void badOptionsAnswer400WithEveryReason() throws Exception {
    var answer = post("{\"action\":\"start\",\"campaignIds\":[\"c1\"],\"organizationId\":\"org_456\","
        + "\"options\":{\"impressionRate\":-0.5,\"clickRate\":0.9,\"conversionRate\":0.3,\"eventsPerMinute\":0}}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("error").asText()).isEqualTo("invalid simulation request");
    assertThat(reasons(answer))
        .anyMatch(r -> r.startsWith("options.impressionRate: must not be negative"))
        .anyMatch(r -> r.startsWith("options.eventsPerMinute: must be between 1 and"));
    assertThat(status().body().get("running").asBoolean()).isFalse();
  }

  @Test
  void anUnknownActionAnswers400() throws Exception {
    var answer = post("{\"action\":\"explode\"}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(reasons(answer)).singleElement().asString().startsWith("action: unknown action 'explode'");
  }

  @Test
  void aReplayOfAMissingFileAnswers400() throws Exception {
    var answer = post("{\"action\":\"replay\",\"organizationId\":\"org_456\",\"options\":{\"file\":\"/no/such/events.ndjson\"}}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(reasons(answer)).singleElement().asString().startsWith("options.file: no such file");
  }

  @Test
  void malformedJsonAnswers400() throws Exception {
    var answer = post("{\"action\":");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(reasons(answer)).singleElement().asString().startsWith("body: malformed JSON");
  }

  @Test
  void aDuplicateKeyAnswers400NamingIt() throws Exception {
    var answer = post("{\"action\":\"burst\",\"campaignIds\":[\"c1\"],\"organizationId\":\"org_456\",\"action\":\"start\"}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(reasons(answer)).containsExactly("action: duplicate key (a key may appear once per object)");
  }

  @Test
  void stopWithNothingRunningAnswers200() throws Exception {
    var answer = post("{\"action\":\"stop\"}");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().get("stopped").asBoolean()).isFalse();
  }
}
