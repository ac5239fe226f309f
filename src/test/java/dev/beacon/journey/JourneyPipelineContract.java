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
    var keyed = unkeyed(topic, org, user, name, at, session, source, medium, campaign, revenue, transaction);
    return new ProducerRecord<>(topic, org + "|" + user, keyed.value());
  }

  /** A GA4 export row without a key (any partition the producer picks). */
  private static ProducerRecord<String, byte[]> unkeyed(String topic, String org, String user, String name, Instant at,
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
    return new ProducerRecord<>(topic, null, json.getBytes(StandardCharsets.UTF_8));
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
    // the live feed is held in memory by the organisation's hub, newest first
    var feed = http.get("/api/analytics/events/live?organizationId=" + org + "&limit=5").body().get("events");
    assertThat(feed).hasSize(5);
    var times = new ArrayList<String>();
    feed.forEach(item -> times.add(item.get("time").asText()));
    assertThat(times).isSortedAccordingTo(Comparator.comparing(Instant::parse).reversed());

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

    assertThat(again.get("/api/attribution/compare?organizationId=unknown-org").status()).isEqualTo(404);
    assertThat(again.get("/api/attribution/channels?organizationId=" + org + "&model=nope").status()).isEqualTo(400);
    assertThat(again.get("/api/attribution/compare?organizationId=" + org + "&from=2026-13-01").status()).isEqualTo(400);
  }

  /** One GA4 row of the generated traffic, for either organisation. */
  private record Row(String user, String name, Instant at, long session, String[] source, String revenue, String transaction) {
    ProducerRecord<String, byte[]> record(String topic, String org, boolean keyed) {
      var src = source == null ? new String[3] : source;
      return keyed ? row(topic, org, user, name, at, session, src[0], src[1], src[2], revenue, transaction)
          : unkeyed(topic, org, user, name, at, session, src[0], src[1], src[2], revenue, transaction);
    }
  }

  private static final String[][] SOURCES = {
      {"google", "cpc", "spring"}, {"facebook", "paid_social", "retarget"}, {"newsletter", "email", "weekly"},
      {"google", "organic", "(organic)"}, {"(direct)", "(none)", "(direct)"}, {"partner.example", "referral", "(referral)"}};

  /**
   * Forty users over the last 60 hours: one to four sessions each, landing rows carrying the
   * source, a purchase at the end of a session for about half (some sent twice with one
   * transaction id, a minute apart).
   */
  private static List<Row> traffic(long seed) {
    var random = new java.util.Random(seed);
    var rows = new ArrayList<Row>();
    for (int u = 0; u < 40; u++) {
      var user = "user-" + u;
      var sessions = 1 + random.nextInt(4);
      for (int s = 0; s < sessions; s++) {
        var start = NOW.minus(Duration.ofMinutes(60 + random.nextInt(59 * 60)));
        var sessionId = 1000L * u + s;
        rows.add(new Row(user, "page_view", start, sessionId, SOURCES[random.nextInt(SOURCES.length)], null, null));
        var at = start;
        for (int v = random.nextInt(3); v > 0; v--) {
          at = at.plusSeconds(30 + random.nextInt(240));
          rows.add(new Row(user, "page_view", at, sessionId, null, null, null));
        }
        if (random.nextInt(3) == 0) {
          var revenue = String.valueOf(10 + random.nextInt(190));
          var transaction = "T-" + user + "-" + s;
          rows.add(new Row(user, "purchase", at.plusSeconds(45), sessionId, null, revenue, transaction));
          if (random.nextInt(4) == 0) rows.add(new Row(user, "purchase", at.plusSeconds(105), sessionId, null, revenue, transaction));
        }
      }
    }
    return rows;
  }

  /** An organisation's read tables, summed over projection slices, rows that add up to nothing left out. */
  private static List<String> readTables(TestDatabase db, String org) throws Exception {
    var rows = new ArrayList<String>();
    try (var c = java.sql.DriverManager.getConnection(db.url, db.user, db.password)) {
      query(c, rows, """
          SELECT 'sessions', CAST(event_day AS VARCHAR(10)), channel, SUM(sessions), SUM(engaged_sessions) FROM session_daily
          WHERE organization_id = ? GROUP BY event_day, channel HAVING SUM(sessions) <> 0 OR SUM(engaged_sessions) <> 0""", org);
      query(c, rows, """
          SELECT 'credits', CAST(event_day AS VARCHAR(10)) || ' ' || channel || ' ' || campaign, attribution_model,
            SUM(conversions), SUM(revenue) FROM attribution_daily WHERE organization_id = ?
          GROUP BY event_day, channel, campaign, attribution_model
          HAVING ABS(SUM(conversions)) > 0.000000001 OR ABS(SUM(revenue)) > 0.000001""", org);
      query(c, rows, """
          SELECT 'paths', channel_path, CAST(SUM(non_conversions) AS VARCHAR(20)), SUM(conversions), SUM(conversion_value)
          FROM conversion_paths WHERE organization_id = ? GROUP BY channel_path
          HAVING SUM(conversions) <> 0 OR SUM(non_conversions) <> 0 OR ABS(SUM(conversion_value)) > 0.000001""", org);
    }
    rows.sort(null);
    return rows;
  }

  private static void query(java.sql.Connection c, List<String> rows, String sql, String org) throws Exception {
    try (var st = c.prepareStatement(sql)) {
      st.setString(1, org);
      try (var rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3) + " | "
              + String.format(java.util.Locale.ROOT, "%.6f | %.4f", rs.getDouble(4), rs.getDouble(5)));
        }
      }
    }
  }

  /** An answer of the API with the organisation's name taken out and numbers rounded, to compare two organisations. */
  private static String answer(HttpCalls http, String path, String org) {
    var response = http.get(path.replace("{org}", org));
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    return rounded(response.body()).toString().replace(org, "{org}");
  }

  private static JsonNode rounded(JsonNode node) {
    if (node.isFloatingPointNumber()) {
      return com.fasterxml.jackson.databind.node.DecimalNode.valueOf(
          java.math.BigDecimal.valueOf(node.asDouble()).setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros());
    }
    if (node.isObject()) {
      var copy = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(f -> copy.set(f.getKey(), rounded(f.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> copy.add(rounded(e)));
      return copy;
    }
    return node;
  }

  private static final List<String> ANSWERS = List.of(
      "/api/attribution/compare?organizationId={org}",
      "/api/attribution/channels?organizationId={org}&model=linear",
      "/api/attribution/channels?organizationId={org}&model=time_decay",
      "/api/attribution/timeseries?organizationId={org}&days=7",
      "/api/attribution/markov?organizationId={org}");

  private static void assertSameAnswers(TestDatabase db, HttpCalls http, String ordered, String shuffled, List<Row> rows)
      throws Exception {
    assertThat(readTables(db, shuffled)).isEqualTo(readTables(db, ordered)).isNotEmpty();
    for (var path : ANSWERS) assertThat(answer(http, path, shuffled)).as(path).isEqualTo(answer(http, path, ordered));
    for (var user : rows.stream().map(Row::user).distinct().toList()) {
      var path = "/api/users/" + user + "/journey?organizationId={org}";
      assertThat(answer(http, path, shuffled)).as(path).isEqualTo(answer(http, path, ordered));
    }
  }

  /**
   * Events in event time, end to end: the same traffic sent in order and keyed by user to one
   * organisation, and to another without keys, spread over the partitions, shuffled, with the
   * landing rows of a quarter of the sessions held back and sent minutes later. A crash as soon
   * as the restating batches are persisted, redelivery of what was not committed, the held-back
   * rows sent again as retries: the read tables and every answer of the API are the same for
   * both, and nothing is restated twice.
   */
  @Test
  void shuffledUnkeyedEventsGiveTheReadTablesAndAnswersOfTheInOrderRun() throws Exception {
    var dataDir = Files.createTempDirectory("beacon-data");
    var db = database(dataDir);
    broker.closeAfter(db);
    var topic = "event-time-" + UUID.randomUUID();
    var rows = traffic(20261201L);
    var random = new java.util.Random(7);
    var server = start(dataDir, db, topic);

    var inOrder = new ArrayList<>(rows);
    inOrder.sort(Comparator.comparing(Row::at));
    produce(inOrder.stream().map(r -> r.record(topic, "ordered", true)).toList());

    var held = new ArrayList<Row>();
    var first = new ArrayList<Row>();
    for (var r : rows) (r.source() != null && random.nextInt(4) == 0 ? held : first).add(r);
    java.util.Collections.shuffle(first, random);
    java.util.Collections.shuffle(held, random);
    var partitions = 4;
    produce(first.stream().map(r -> spread(r.record(topic, "shuffled", false), random.nextInt(partitions))).toList());
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> server.stats().snapshot().consumed() >= rows.size() + first.size());
    produce(held.stream().map(r -> spread(r.record(topic, "shuffled", false), random.nextInt(partitions))).toList());

    // A crash as soon as the restating batches are persisted, before their offsets may be
    // committed: they are read again after the restart, and the held-back rows are retried too.
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> server.stats().snapshot().consumed() >= rows.size() + first.size() + held.size());
    assertThat(server.stats().snapshot().tallies().get(JourneyBatchPart.RESTATED)).as("restated conversions").isPositive();
    assertThat(server.stats().snapshot().tallies().get(JourneyBatchPart.OUT_OF_ORDER)).as("out of order").isPositive();
    assertThat(server.stats().snapshot().tallies().get(JourneyBatchPart.TOO_LATE)).isZero();
    server.crash(Duration.ofSeconds(30));
    broker.forget(server);
    var again = start(dataDir, db, topic);
    var http2 = new HttpCalls(again.httpPort());
    produce(held.stream().map(r -> spread(r.record(topic, "shuffled", false), random.nextInt(partitions))).toList());
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> again.stats().snapshot().deduplicated() >= held.size() && again.stats().snapshot().inFlightBatch() == 0);

    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertSameAnswers(db, http2, "ordered", "shuffled", rows));
    assertThat(again.stats().snapshot().tallies().get(JourneyBatchPart.RESTATED)).as("nothing restated twice").isZero();
    var tables = readTables(db, "shuffled");
    var applied = again.stats().snapshot().applied();

    // An event more than the allowed lateness before its user's latest: counted, no journey changed.
    var latest = rows.stream().filter(r -> r.user().equals("user-0")).map(Row::at).max(Comparator.naturalOrder()).orElseThrow();
    produce(List.of(new Row("user-0", "page_view", latest.minus(Duration.ofHours(73)), 99, SOURCES[0], null, null)
        .record(topic, "shuffled", false)));
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> again.stats().snapshot().tallies().get(JourneyBatchPart.TOO_LATE) == 1);
    assertThat(again.stats().snapshot().applied()).as("a too-late event is still applied (campaigns count it)").isEqualTo(applied + 1);
    Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(readTables(db, "shuffled")).isEqualTo(tables));
    var status = http2.get("/api/analytics/real-time").body();
    assertThat(status.get("tooLateForJourneys").asLong()).as(status.toString()).isEqualTo(1);
    assertThat(status.get("restatedConversions").asLong()).as("nothing restated after the restart").isZero();
    assertThat(status.has("outOfOrderForJourneys")).isTrue();
  }

  private static ProducerRecord<String, byte[]> spread(ProducerRecord<String, byte[]> r, int partition) {
    return new ProducerRecord<>(r.topic(), partition, null, r.value());
  }
}
