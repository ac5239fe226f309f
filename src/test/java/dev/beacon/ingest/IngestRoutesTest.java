package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.beacon.event.EventParser;
import dev.beacon.event.EventSettings;
import dev.beacon.security.Access;
import dev.beacon.testing.JupiterRouteTest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The ingest routes with the real intake and parser, against a Kafka address where no broker
 * listens: every whole-request error, and the 503 of a write Kafka never acknowledges.
 */
class IngestRoutesTest extends JupiterRouteTest {
  static final KafkaSettings kafka = new KafkaSettings("127.0.0.1:1", Duration.ofSeconds(1), 0, 0, "events",
      "events.dlq", 1, (short) 1, "beacon", Duration.ofSeconds(1), Map.of());
  static final EventProducer producer = new EventProducer(kafka, kafka.produceTimeout());
  static final IngestStats stats = new IngestStats(Clock.systemUTC());
  static final PipelineStatus status = new PipelineStatus(kafka, stats);
  final Route routes;

  IngestRoutesTest() {
    super(ActorTestKit.create("IngestRoutesTest", ConfigFactory.parseString("pekko.loglevel = WARNING")));
    routes = routes();
  }

  private Route routes() {
    var events = EventSettings.from(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.events"));
    var deadLetters = new DeadLetters(producer, kafka.deadLetterTopic(), dev.beacon.common.Json.MAPPER,
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    var intake = new HttpIntake(new EventParser(events, Clock.systemUTC()), producer, deadLetters, kafka, stats, Clock.systemUTC(), 20,
        16_384);
    return new IngestRoutes(intake, status, 16_384, Materializer.matFromSystem(testKit.system()), Access.open()).routes();
  }

  @AfterAll
  static void close() {
    producer.close();
    status.close();
  }

  private TestRouteResult post(String json) {
    return testRoute(routes).run(HttpRequest.POST("/api/analytics/real-time").withEntity(ContentTypes.APPLICATION_JSON, json));
  }

  private static String click(String extra) {
    return "{\"eventType\":\"click\",\"campaignId\":\"c1\",\"organizationId\":\"acme\"" + extra + "}";
  }

  @Test
  void aDuplicateKeyIs400NamingTheKeyAndWhereItIs() {
    post("{\"events\":[" + click("") + "," + click(",\"campaignId\":\"c2\"") + "]}")
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"bad request\",\"reasons\":[\"events[1].campaignId: duplicate key (a key may appear once per object)\"]}");
  }

  @Test
  void aBodyNestedTooDeepIs400SayingHowDeepInOurWords() {
    var deep = "{\"event\":" + click(",\"metadata\":{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}") + "}";
    post(deep).assertStatusCode(400)
        .assertEntity("{\"error\":\"bad request\",\"reasons\":[\"body: JSON nested deeper than 32 levels\"]}");
  }

  @Test
  void anEventNestedDeeperThanAnEventMayBeIsRefusedByItsIndex() {
    var deep = "{\"events\":[" + click(",\"metadata\":{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}") + "]}";
    post(deep).assertStatusCode(400)
        .assertEntity("{\"accepted\":0,\"rejected\":[{\"index\":0,\"reasons\":[\"body: JSON nested deeper than 16 levels\"]}]}");
  }

  @Test
  void malformedJsonIs400SayingWhere() {
    post("{\"event\": {\"eventType\":").assertStatusCode(400)
        .assertEntity("{\"error\":\"bad request\",\"reasons\":[\"body: malformed JSON at line 1, column 24: the document ends early\"]}");
  }

  @Test
  void aContentTypeOtherThanJsonIs415() {
    testRoute(routes).run(HttpRequest.POST("/api/analytics/real-time").withEntity(ContentTypes.TEXT_PLAIN_UTF8, "{}"))
        .assertStatusCode(415)
        .assertEntity("{\"error\":\"unsupported content type\",\"reasons\":[\"Content-Type: must be application/json, got text/plain\"]}");
  }

  @Test
  void moreEventsThanABatchMayHoldIs413() {
    var items = new ArrayList<String>();
    for (int i = 0; i < 21; i++) items.add(click(""));
    post("{\"events\":[" + String.join(",", items) + "]}").assertStatusCode(413)
        .assertEntity("{\"error\":\"request too large\",\"reasons\":[\"events: 21 events, at most 20 per request\"]}");
  }

  @Test
  void aWriteKafkaNeverAcknowledgesIs503WithRetryAfter() {
    var answer = post("{\"event\":" + click("") + "}");
    answer.assertStatusCode(503);
    assertThat(answer.header(RetryAfter.class).value()).isEqualTo("1");
    var body = json(answer);
    assertThat(body.get("error").asText()).isEqualTo("Kafka unavailable: events not accepted");
    assertThat(body.get("reasons").get(0).asText())
        .startsWith("Kafka did not acknowledge the 1 valid events within 1 s: none is accepted")
        .doesNotContain("Exception");
  }

  @Test
  void theStatusWithoutABrokerShowsNullLagAndWhyButNoTotal() {
    var body = json(testRoute(routes).run(HttpRequest.GET("/api/analytics/real-time")).assertStatusCode(200));
    assertThat(names(body.fieldNames())).containsExactly("topic", "accepted", "consumed", "applied", "deduplicated",
        "redelivered", "deadLettered", "rejectedByReason", "eventsPerSecond", "lastCommit", "inFlightBatchSize",
        "consumerLag", "consumerLagError");
    assertThat(body.get("consumerLag").isNull()).isTrue();
    assertThat(body.get("lastCommit").isNull()).isTrue();
  }

  private static List<String> names(Iterator<String> names) {
    var list = new ArrayList<String>();
    names.forEachRemaining(list::add);
    return list;
  }
}
