package dev.beacon.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.security.Scope;
import dev.beacon.testing.BrowserScript;
import dev.beacon.testing.KeyedServer;
import dev.beacon.testing.LogWatch;
import dev.beacon.testing.TcpProxy;
import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.FutureTask;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Segment's own Node SDK (@segment/analytics-node, run unmodified by src/test/browser/segment-sdk.mjs)
 * against a Beacon that requires keys (in-JVM broker, H2 or PostgreSQL), its host pointed at Beacon
 * and an ingest key as its write key: a shopper lands anonymously from an e-mail campaign, views a
 * product, is identified and buys. The SDK reports every event delivered; the campaign counts the
 * purchase and its value, the journey answered for the user id and for the anonymous id is one,
 * and the attribution credits give the campaign's channel the purchase. Then the shapes of a
 * retry, each with the SDK's own retry: the same events sent again, a batch whose answer was lost
 * on the way (a proxy drops the connection when the answer comes) and a batch answered 503 while
 * Kafka is away; each counts once. Subclasses choose the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SegmentSdkContract {
  private static final String SDK = "@segment/analytics-node";
  private static final double REVENUE = 129.9;
  /** What a visit puts on the topic: the page view, the product view and the order (an identify only links ids). */
  private static final int EVENTS_PER_VISIT = 3;
  private KeyedServer server;

  /** The server's database, made for its folder. */
  abstract TestDatabase database(Path dir);

  @BeforeAll
  void start() throws Exception {
    BrowserScript.requireNode(SDK);
    server = KeyedServer.start("segment-sdk", "beacon.kafka.produce-timeout = 3s\n", this::database);
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) server.close();
  }

  /**
   * One shopper's visit as segment-sdk.mjs sends it, in an organisation of its own (so that the
   * attribution totals are the visit's alone); {@code run} makes the messageIds, {@code at} is
   * when the landing page was viewed (the other events follow 20, 40 and 60 s later).
   */
  private record Visit(String organization, String ingestKey, String readKey, String anonymousId, String userId,
      String campaign, String orderId, String run, Instant at) {
    List<String> args(int port) {
      return List.of("--host", "http://127.0.0.1:" + port, "--write-key", ingestKey, "--anonymous-id", anonymousId,
          "--user-id", userId, "--campaign", campaign, "--order-id", orderId, "--revenue", String.valueOf(REVENUE),
          "--run", run, "--at", at.toString());
    }
  }

  private Visit visit(String name) {
    var id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    var organization = "shop-" + id;
    return new Visit(organization, server.key(organization, Set.of(Scope.INGEST)), server.key(organization, Set.of(Scope.READ)),
        "anon-" + id, "user-" + id, "spring-" + id, "order-" + id, "run-" + id,
        Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS));
  }

  /** Runs the SDK on the visit against {@code port}; what it reported, once it reported every event delivered. */
  private static JsonNode send(Visit visit, int port) throws Exception {
    var run = BrowserScript.run("segment-sdk.mjs", visit.args(port).toArray(String[]::new));
    assertThat(run.json()).as(run.describe()).isNotNull();
    assertThat(run.exitCode()).as(run.describe()).isZero();
    var report = run.json();
    assertThat(report.get("sdk").asText()).isEqualTo("3.1.0");
    var delivered = new ArrayList<String>();
    report.get("events").forEach(e -> {
      assertThat(e.get("delivered").asBoolean()).as("delivered: " + e + "; " + run.describe()).isTrue();
      delivered.add(e.get("messageId").asText());
    });
    assertThat(delivered).containsExactly(visit.run() + "-page", visit.run() + "-product", visit.run() + "-identify",
        visit.run() + "-order");
    assertThat(report.get("errors")).as(run.describe()).isEmpty();
    return report;
  }

  private static List<Integer> statuses(JsonNode report) {
    var statuses = new ArrayList<Integer>();
    report.get("attempts").forEach(a -> statuses.add(a.get("status").isNull() ? null : a.get("status").asInt()));
    return statuses;
  }

  private JsonNode read(Visit visit, String path) {
    var answer = server.http().send("GET", path, visit.readKey(), null);
    assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(200);
    return answer.body();
  }

  /** The pipeline's status (every organisation's), read with the admin key. */
  private JsonNode pipeline() {
    var answer = server.http().send("GET", "/api/analytics/real-time", server.adminKey(), null);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    return answer.body();
  }

  /** Waits until the pipeline has applied every event Beacon accepted so far. */
  private void awaitApplied() {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      var status = pipeline();
      assertThat(status.get("consumed").asLong()).isGreaterThanOrEqualTo(status.get("accepted").asLong());
      assertThat(status.get("inFlightBatchSize").asLong()).isZero();
    });
  }

  /** Campaign metrics, journey and credits count the visit once: waits until they do, {@code during} that long. */
  private void awaitCountedOnce(Visit visit, Duration during) {
    Awaitility.await().during(during).atMost(during.plusSeconds(60)).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertCountedOnce(visit));
  }

  private void assertCountedOnce(Visit visit) {
    var org = "?organizationId=" + visit.organization();
    var metrics = read(visit, "/api/campaigns/" + visit.campaign() + "/analytics/real-time" + org);
    assertThat(metrics.get("conversions").asLong()).as(metrics.toString()).isEqualTo(1);
    assertThat(metrics.get("conversionValue").asDouble()).as(metrics.toString()).isEqualTo(REVENUE, within(1e-9));

    var known = read(visit, "/api/users/" + visit.userId() + "/journey" + org);
    var anonymous = read(visit, "/api/users/" + visit.anonymousId() + "/journey" + org);
    for (var part : List.of("sessions", "conversions", "profile")) {
      assertThat(anonymous.get(part)).as("the anonymous id's " + part).isEqualTo(known.get(part));
    }
    var sessions = known.get("sessions");
    assertThat(sessions).as(known.toString()).hasSize(1);
    var session = sessions.get(0);
    assertThat(session.get("channel").asText()).isEqualTo("Email");
    assertThat(session.get("campaign").asText()).isEqualTo(visit.campaign());
    assertThat(session.get("pageViews").asInt()).isEqualTo(1);
    // the page view, the product view and the purchase; the identify links, it is no visit's event
    assertThat(session.get("events").asInt()).as(session.toString()).isEqualTo(3);
    // Segment's time, corrected for the SDK's clock, not when Beacon received the events ten minutes later
    assertThat(session.get("startMillis").asLong()).isCloseTo(visit.at().toEpochMilli(), within(5_000L));
    assertThat(session.get("endMillis").asLong()).isCloseTo(visit.at().plusSeconds(60).toEpochMilli(), within(5_000L));
    var conversions = known.get("conversions");
    assertThat(conversions).as(known.toString()).hasSize(1);
    var purchase = conversions.get(0);
    assertThat(purchase.get("value").asDouble()).isEqualTo(REVENUE, within(1e-9));
    assertThat(purchase.get("transactionId").asText()).isEqualTo(visit.orderId());
    var lastClick = purchase.at("/credits/last_click");
    assertThat(lastClick).as(purchase.toString()).hasSize(1);
    assertThat(lastClick.get(0).get("campaign").asText()).isEqualTo(visit.campaign());
    assertThat(lastClick.get(0).get("value").asDouble()).isEqualTo(REVENUE, within(1e-9));

    var compare = read(visit, "/api/attribution/compare" + org).get("models");
    for (var model : List.of("first_click", "last_click", "linear")) {
      assertThat(compare.at("/" + model + "/conversions").asDouble()).as(model).isEqualTo(1.0, within(1e-9));
      assertThat(compare.at("/" + model + "/revenue").asDouble()).as(model).isEqualTo(REVENUE, within(1e-9));
      assertThat(compare.at("/" + model + "/channels")).as(model).anySatisfy(c -> {
        assertThat(c.get("channel").asText()).isEqualTo("Email");
        assertThat(c.get("conversions").asDouble()).isEqualTo(1.0, within(1e-9));
      });
    }
  }

  @Test
  void theSdksEventsBecomeCampaignMetricsOneJourneyAndCredits() throws Exception {
    var visit = visit("visit");
    var report = send(visit, server.port());

    assertThat(statuses(report)).as("one batch, answered at once").containsExactly(200);
    awaitCountedOnce(visit, Duration.ZERO);
  }

  @Test
  void theSameEventsSentAgainChangeNothing() throws Exception {
    var visit = visit("again");
    send(visit, server.port());
    awaitCountedOnce(visit, Duration.ZERO);
    var deduplicated = pipeline().get("deduplicated").asLong();

    assertThat(statuses(send(visit, server.port()))).containsExactly(200);
    awaitApplied();
    assertThat(pipeline().get("deduplicated").asLong()).as("the events came again and were recognised")
        .isGreaterThan(deduplicated);
    awaitCountedOnce(visit, Duration.ofSeconds(3));
  }

  @Test
  void aBatchWhoseAnswerWasLostIsSentAgainByTheSdkAndCountsOnce() throws Exception {
    var visit = visit("lost");
    try (var proxy = TcpProxy.to("127.0.0.1", server.port())) {
      proxy.loseAnswers(1);
      var accepted = pipeline().get("accepted").asLong();
      var report = send(visit, proxy.port());

      assertThat(statuses(report)).as("no answer, then the same batch again").containsExactly(null, 200);
      assertThat(report.at("/attempts/1/retryCount").asInt()).isEqualTo(1);
      assertThat(pipeline().get("accepted").asLong() - accepted).as("Beacon took the batch twice")
          .isEqualTo(2 * EVENTS_PER_VISIT);
    }
    awaitApplied();
    awaitCountedOnce(visit, Duration.ofSeconds(3));
  }

  @Test
  void whileKafkaIsAwayTheSdkIsAnswered503AndItsRetryCountsOnce() throws Exception {
    var visit = visit("kafka-away");
    JsonNode report;
    try (var log = new LogWatch()) {
      server.stopKafka();
      var sending = new FutureTask<>(() -> send(visit, server.port()));
      new Thread(sending, "segment-sdk").start();
      try {
        log.await(Duration.ofSeconds(60), 1, "Kafka did not acknowledge");
      } finally {
        server.startKafkaAgain();
      }
      report = sending.get();
    }

    var statuses = statuses(report);
    assertThat(statuses.get(0)).as(report.toString()).isEqualTo(503);
    assertThat(statuses.get(statuses.size() - 1)).as(report.toString()).isEqualTo(200);
    awaitApplied();
    awaitCountedOnce(visit, Duration.ofSeconds(3));
  }
}
