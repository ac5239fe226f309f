package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestProducer;
import dev.beacon.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Journeys end to end: GA4 rows through the real broker → journey buckets (sessions,
 * touchpoints, conversions with credits) → the exactly-once projection → read tables → the
 * attribution API; the same records again, and a crash with redelivery, change no credit.
 * Subclasses choose the database.
 */
abstract class JourneyPipelineContract {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();

  abstract TestDatabase database(Path dir);

  private static final Instant NOW = Instant.now();

  /** A GA4 export row; source params only on the session's landing event. */
  private static ProducerRecord<String, byte[]> row(String topic, String org, String user, String name, Instant at,
      long session, String source, String medium, String campaign, String revenue, String transaction) {
    var params = new StringBuilder("[{\"key\":\"ga_session_id\",\"value\":{\"int_value\":" + session + "}}");
    if (source != null) {
      params.append(",{\"key\":\"source\",\"value\":{\"string_value\":\"").append(source).append("\"}}")
          .append(",{\"key\":\"medium\",\"value\":{\"string_value\":\"").append(medium).append("\"}}")
          .append(",{\"key\":\"campaign\",\"value\":{\"string_value\":\"").append(campaign).append("\"}}");
    }
    params.append(']');
    var ecommerce = revenue == null ? "null"
        : "{\"purchase_revenue_in_usd\":" + revenue + ",\"transaction_id\":\"" + transaction + "\"}";
    var micros = at.toEpochMilli() * 1000;
    var json = "{\"event_name\":\"" + name + "\",\"event_timestamp\":" + micros + ",\"user_pseudo_id\":\"" + user
        + "\",\"organizationId\":\"" + org + "\",\"event_params\":" + params + ",\"ecommerce\":" + ecommerce + "}";
    return new ProducerRecord<>(topic, org + "|" + user, json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Ann: Paid Search three days ago, Paid Social yesterday, buys for 100. Bob: direct, buys for
   * 50. Cid: organic search, does not buy.
   */
  private static List<ProducerRecord<String, byte[]>> journeys(String topic, String org) {
    var d3 = NOW.minus(Duration.ofDays(3));
    var d1 = NOW.minus(Duration.ofDays(1));
    return List.of(
        row(topic, org, "ann", "page_view", d3, 1, "google", "cpc", "spring", null, null),
        row(topic, org, "ann", "page_view", d3.plusSeconds(20), 1, null, null, null, null, null),
        row(topic, org, "ann", "page_view", d1, 2, "facebook", "paid_social", "retarget", null, null),
        row(topic, org, "ann", "purchase", d1.plusSeconds(60), 2, null, null, null, "100", "T-ann"),
        row(topic, org, "bob", "page_view", d1, 7, "(direct)", "(none)", "(direct)", null, null),
        row(topic, org, "bob", "purchase", d1.plusSeconds(30), 7, null, null, null, "50", "T-bob"),
        row(topic, org, "cid", "page_view", d1, 9, "google", "organic", "(organic)", null, null));
  }

  private static void produce(List<ProducerRecord<String, byte[]>> records) {
    TestProducer.produce(broker.kafka().bootstrapServers(), records);
  }


  private static double credit(JsonNode compare, String model, String channel) {
    for (var c : compare.get("models").get(model).get("channels")) {
      if (c.get("channel").asText().equals(channel)) return c.get("conversions").asDouble();
    }
    return 0;
  }

  private static void assertCredits(HttpCalls http, String org) {
    var answer = http.get("/api/attribution/compare?organizationId=" + org);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    var compare = answer.body();
    assertThat(compare.get("models").get("first_click").get("conversions").asDouble()).isEqualTo(2.0, within(1e-9));
    assertThat(compare.get("models").get("first_click").get("revenue").asDouble()).isEqualTo(150.0, within(1e-9));
    assertThat(credit(compare, "first_click", "Paid Search")).isEqualTo(1.0, within(1e-9));
    assertThat(credit(compare, "first_click", "Paid Social")).isEqualTo(0.0, within(1e-9));
    assertThat(credit(compare, "last_click", "Paid Social")).isEqualTo(1.0, within(1e-9));
    assertThat(credit(compare, "last_click", "Paid Search")).isEqualTo(0.0, within(1e-9));
    assertThat(credit(compare, "linear", "Paid Search")).isEqualTo(0.5, within(1e-9));
    assertThat(credit(compare, "linear", "Paid Social")).isEqualTo(0.5, within(1e-9));
    assertThat(credit(compare, "position_based", "Direct")).isEqualTo(1.0, within(1e-9));
    var shift = compare.get("firstToLastClickShift").get("Paid Social");
    assertThat(shift.get("shift").asDouble()).isEqualTo(1.0, within(1e-9));
  }

  private BeaconServer start(Path dataDir, TestDatabase db, String topic) {
    return broker.start(TestServers.config(dataDir, broker.kafka().bootstrapServers(), db, topic,
        "beacon.events.max-age = 30d\n"));
  }

  @Test
  void journeysBecomeCreditsInTheReadTablesAndRedeliveryChangesNone() throws Exception {
    var dataDir = Files.createTempDirectory("beacon-data");
    var db = database(dataDir);
    broker.closeAfter(db);
    var topic = "journeys-" + UUID.randomUUID();
    var org = "shop";
    var records = journeys(topic, org);
    var first = start(dataDir, db, topic);
    produce(records);
    var http = new HttpCalls(first.httpPort());
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertCredits(http, org));

    // A crash: what was not committed is read again; nothing may be credited twice.
    first.crash(Duration.ofSeconds(30));
    broker.forget(first);
    var second = start(dataDir, db, topic);
    var again = new HttpCalls(second.httpPort());
    produce(records);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> second.stats().snapshot().consumed() >= records.size() && second.stats().snapshot().inFlightBatch() == 0);
    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertCredits(again, org));

    var markov = again.get("/api/attribution/markov?organizationId=" + org).body();
    assertThat(markov.get("totalConversions").asDouble()).isEqualTo(2.0, within(1e-9));
    assertThat(markov.get("journeys").asLong()).isEqualTo(3);
    var removal = new ArrayList<String>();
    markov.get("channels").forEach(c -> removal.add(c.get("channel").asText()));
    assertThat(removal).contains("Paid Search", "Paid Social", "Direct", "Organic Search");

    var journey = again.get("/api/users/ann/journey?organizationId=" + org);
    assertThat(journey.status()).isEqualTo(200);
    assertThat(journey.body().get("sessions")).hasSize(2);
    assertThat(journey.body().get("conversions")).hasSize(1);
    assertThat(journey.body().get("conversions").get(0).get("value").asDouble()).isEqualTo(100.0, within(1e-9));
    assertThat(again.get("/api/users/nobody/journey?organizationId=" + org).status()).isEqualTo(404);

    var feed = again.get("/api/analytics/events/live?organizationId=" + org + "&limit=5").body().get("events");
    assertThat(feed).hasSize(5);
    var times = new ArrayList<String>();
    feed.forEach(item -> times.add(item.get("time").asText()));
    assertThat(times).isSortedAccordingTo(Comparator.comparing(Instant::parse).reversed());
    assertThat(again.get("/api/attribution/compare?organizationId=unknown-org").status()).isEqualTo(404);
    assertThat(again.get("/api/attribution/channels?organizationId=" + org + "&model=nope").status()).isEqualTo(400);
    assertThat(again.get("/api/attribution/compare?organizationId=" + org + "&from=2026-13-01").status()).isEqualTo(400);
  }
}
