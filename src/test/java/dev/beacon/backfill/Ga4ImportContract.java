package dev.beacon.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.common.Json;
import dev.beacon.ingest.KafkaSettings;
import dev.beacon.ingest.Topics;
import dev.beacon.testing.CommandRun;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestData;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A backfill end to end: the 700 rows of the GA4 sample (Nov 2020 – Jan 2021, gzip) and nine
 * synthetic rows with purchases and a paid campaign go through the {@code import} command, the
 * real broker, the ingest stream, the entities and the read side, and land on their real days:
 * the attribution timeseries and compare, and the campaign's daily rows, answer for those dates
 * with the figures counted here from the rows themselves; the live windows stay empty. A second
 * import of the same files changes no answer. Subclasses choose the database.
 */
abstract class Ga4ImportContract {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();
  private static final LocalDate FIRST_DAY = LocalDate.of(2020, 11, 1);
  private static final LocalDate LAST_DAY = LocalDate.of(2021, 1, 31);
  private static final String CAMPAIGN = "winter_sale";
  private static final List<String> MODELS = List.of("first_click", "last_click", "linear", "time_decay", "position_based");

  abstract TestDatabase database(Path dir);

  /** What the rows say, counted here without Beacon's parser: sessions by start day, purchases and the campaign by day. */
  private record Expected(Map<LocalDate, Integer> sessionsStarted, Map<LocalDate, Integer> purchases,
      Map<LocalDate, BigDecimal> revenue, Map<LocalDate, Map<String, Integer>> campaign,
      Map<LocalDate, BigDecimal> campaignValue, int rows) {

    static Expected of(List<JsonNode> rows) {
      var sessionStart = new HashMap<String, Long>();
      var purchases = new TreeMap<LocalDate, Integer>();
      var revenue = new TreeMap<LocalDate, BigDecimal>();
      var campaign = new TreeMap<LocalDate, Map<String, Integer>>();
      var campaignValue = new TreeMap<LocalDate, BigDecimal>();
      for (var row : rows) {
        var micros = row.get("event_timestamp").asLong();
        var day = LocalDate.ofInstant(Instant.ofEpochMilli(micros / 1000), ZoneOffset.UTC);
        String session = null;
        String page = "";
        for (var param : row.get("event_params")) {
          if (param.get("key").asText().equals("ga_session_id")) session = param.get("value").get("int_value").asText();
          if (param.get("key").asText().equals("page_location")) page = param.get("value").path("string_value").asText("");
        }
        sessionStart.merge(row.get("user_pseudo_id").asText() + "." + session, micros, Math::min);
        var name = row.get("event_name").asText();
        if (name.equals("purchase")) {
          purchases.merge(day, 1, Integer::sum);
          revenue.merge(day, row.get("ecommerce").get("purchase_revenue_in_usd").decimalValue(), BigDecimal::add);
        }
        if (page.contains("utm_campaign=" + CAMPAIGN)) {
          campaign.computeIfAbsent(day, d -> new HashMap<>()).merge(name, 1, Integer::sum);
          if (name.equals("purchase")) {
            campaignValue.merge(day, row.get("ecommerce").get("purchase_revenue_in_usd").decimalValue(), BigDecimal::add);
          }
        }
      }
      var sessions = new TreeMap<LocalDate, Integer>();
      sessionStart.values().forEach(micros ->
          sessions.merge(LocalDate.ofInstant(Instant.ofEpochMilli(micros / 1000), ZoneOffset.UTC), 1, Integer::sum));
      return new Expected(sessions, purchases, revenue, campaign, campaignValue, rows.size());
    }

    int sessions(LocalDate from, LocalDate to) {
      return sessionsStarted.entrySet().stream()
          .filter(e -> !e.getKey().isBefore(from) && !e.getKey().isAfter(to)).mapToInt(Map.Entry::getValue).sum();
    }
  }

  private static List<JsonNode> rowsOf(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        var in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      var rows = new ArrayList<JsonNode>();
      for (var line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) rows.add(Json.MAPPER.readTree(line));
      }
      return rows;
    }
  }

  /** The purchases file with a row lacking its time inserted as line 4. */
  private static Path withABadLine(Path dir) throws IOException {
    var lines = new ArrayList<>(Files.readAllLines(TestData.GA4_IMPORT_PURCHASES));
    lines.add(3, "{\"event_name\":\"page_view\",\"user_pseudo_id\":\"900009.9\",\"stream_id\":2100450278}");
    var file = dir.resolve("purchases-with-a-bad-line.ndjson");
    Files.write(file, lines);
    return file;
  }

  private static CommandRun importFile(Path file, String org, String topic) {
    return CommandRun.of(ImportCommand::run, "--ga4", file.toString(), "--organization", org,
        "--bootstrap", broker.kafka().bootstrapServers(), "--topic", topic);
  }

  /** The answers a backfill changes, as JSON, without what depends on the time of asking. */
  private static Map<String, JsonNode> answers(HttpCalls http, String org) {
    var answers = new TreeMap<String, JsonNode>();
    for (var path : List.of(
        "/api/attribution/timeseries?organizationId=" + org + "&from=" + FIRST_DAY + "&to=" + LAST_DAY,
        "/api/attribution/compare?organizationId=" + org + "&from=" + FIRST_DAY + "&to=" + LAST_DAY,
        "/api/attribution/compare?organizationId=" + org + "&from=2020-11-01&to=2020-11-30",
        "/api/attribution/compare?organizationId=" + org + "&from=2020-12-01&to=2020-12-31",
        "/api/attribution/compare?organizationId=" + org + "&from=2021-01-01&to=2021-01-31",
        "/api/attribution/compare?organizationId=" + org + "&from=2020-11-01&to=2020-11-01",
        "/api/attribution/compare?organizationId=" + org + "&from=2020-12-03&to=2020-12-03",
        "/api/attribution/compare?organizationId=" + org + "&from=2021-01-31&to=2021-01-31",
        "/api/campaigns/" + CAMPAIGN + "/analytics/daily?organizationId=" + org + "&from=2020-12-01&to=2021-01-31")) {
      var answer = http.get(path);
      assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(200);
      answers.put(path, answer.body());
    }
    for (var window : List.of("", "&timeWindow=86400")) {
      var path = "/api/campaigns/" + CAMPAIGN + "/analytics/real-time?organizationId=" + org + window;
      var answer = http.get(path);
      assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(200);
      var counts = Json.MAPPER.createObjectNode();
      for (var field : List.of("impressions", "clicks", "conversions", "conversionValue")) counts.set(field, answer.body().get(field));
      answers.put(path, counts);
    }
    return answers;
  }

  private static JsonNode answer(Map<String, JsonNode> answers, String pathStart) {
    return answers.entrySet().stream().filter(e -> e.getKey().startsWith(pathStart)).findFirst().orElseThrow().getValue();
  }

  private static long sessions(JsonNode compare) {
    long sum = 0;
    for (var channel : compare.get("sessions")) sum += channel.get("sessions").asLong();
    return sum;
  }

  private static void assertLandedOnTheirDays(Map<String, JsonNode> answers, String org, Expected expected) {
    var timeseries = answer(answers, "/api/attribution/timeseries").get("days");
    assertThat(timeseries).hasSize(92);
    for (var day : timeseries) {
      var date = LocalDate.parse(day.get("date").asText());
      for (var model : MODELS) {
        assertThat(day.get(model).get("conversions").asDouble()).as(model + " on " + date)
            .isEqualTo(expected.purchases().getOrDefault(date, 0), within(1e-9));
        assertThat(day.get(model).get("revenue").asDouble()).as(model + " on " + date)
            .isEqualTo(expected.revenue().getOrDefault(date, BigDecimal.ZERO).doubleValue(), within(1e-6));
      }
    }
    var base = "/api/attribution/compare?organizationId=" + org;
    var whole = answer(answers, base + "&from=" + FIRST_DAY + "&to=" + LAST_DAY);
    assertThat(sessions(whole)).isEqualTo(expected.sessions(FIRST_DAY, LAST_DAY)).isEqualTo(206 + 3);
    for (var model : MODELS) {
      assertThat(whole.get("models").get(model).get("conversions").asDouble()).isEqualTo(3.0, within(1e-9));
      assertThat(whole.get("models").get(model).get("revenue").asDouble()).isEqualTo(235.5, within(1e-6));
    }
    for (var month : List.of(YearMonth.of(2020, 11), YearMonth.of(2020, 12), YearMonth.of(2021, 1))) {
      var compare = answer(answers, base + "&from=" + month.atDay(1) + "&to=" + month.atEndOfMonth());
      assertThat(sessions(compare)).as("sessions in " + month).isEqualTo(expected.sessions(month.atDay(1), month.atEndOfMonth()));
    }
    for (var day : List.of(FIRST_DAY, LocalDate.of(2020, 12, 3), LAST_DAY)) {
      assertThat(sessions(answer(answers, base + "&from=" + day + "&to=" + day))).as("sessions on " + day)
          .isEqualTo(expected.sessions(day, day)).isPositive();
    }

    var daily = answer(answers, "/api/campaigns/" + CAMPAIGN + "/analytics/daily").get("days");
    assertThat(daily).hasSize(62);
    for (var row : daily) {
      var date = LocalDate.parse(row.get("date").asText());
      var counts = expected.campaign().getOrDefault(date, Map.of());
      assertThat(row.get("impressions").asLong()).as("impressions on " + date).isEqualTo((long) counts.getOrDefault("view_promotion", 0));
      assertThat(row.get("clicks").asLong()).as("clicks on " + date).isEqualTo((long) counts.getOrDefault("select_promotion", 0));
      assertThat(row.get("conversions").asLong()).as("conversions on " + date).isEqualTo((long) counts.getOrDefault("purchase", 0));
      assertThat(row.get("conversionValue").decimalValue())
          .isEqualByComparingTo(expected.campaignValue().getOrDefault(date, BigDecimal.ZERO));
    }
  }

  @Test
  void importedHistoryLandsOnItsRealDaysAndASecondImportChangesNothing() throws Exception {
    var dir = Files.createTempDirectory("beacon-import");
    var db = database(dir);
    broker.closeAfter(db);
    var topic = "import-" + UUID.randomUUID();
    var org = "history";
    var config = TestServers.config(dir.resolve("data"), broker.kafka().bootstrapServers(), db, topic, "");
    Topics.ensure(KafkaSettings.from(config.getConfig("beacon.kafka")));
    var purchases = withABadLine(dir);
    var rows = new ArrayList<>(rowsOf(TestData.GA4_SAMPLE_700));
    rows.addAll(rowsOf(TestData.GA4_IMPORT_PURCHASES));
    var expected = Expected.of(rows);
    assertThat(expected.rows()).isEqualTo(709);

    var sample = importFile(TestData.GA4_SAMPLE_700, org, topic);
    assertThat(sample.status()).as(sample.err()).isZero();
    assertThat(sample.out()).contains("Done: 700 rows read, 700 written to " + topic + ", 0 refused");
    assertThat(sample.err()).isEmpty();
    var withBadLine = importFile(purchases, org, topic);
    assertThat(withBadLine.status()).as(withBadLine.err()).isZero();
    assertThat(withBadLine.out()).contains("Done: 10 rows read, 9 written to " + topic + ", 1 refused");
    assertThat(withBadLine.err()).isEqualTo("line 4: event_timestamp: required" + System.lineSeparator());

    // The history is written before Beacon reads it, so that it reads the history in one or two
    // micro-batches. A journey bucket measures a user's idleness against the newest event time it
    // has seen (JourneyState): read while it is written, one partition of an import can run weeks
    // ahead of another, and a user of the slower one would start a new journey in mid-session.
    var server = broker.start(config);
    var http = new HttpCalls(server.httpPort());
    awaitConsumed(server, 709);
    var first = new Map[1];
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      var answers = answers(http, org);
      assertLandedOnTheirDays(answers, org, expected);
      first[0] = answers;
    });
    @SuppressWarnings("unchecked")
    Map<String, JsonNode> before = first[0];
    assertLiveWindowsUntouched(before, org);
    assertThat(server.stats().snapshot().deadLettered()).isZero();

    // The same files again: every row gets the id it got the first time, and counts nowhere.
    assertThat(importFile(TestData.GA4_SAMPLE_700, org, topic).status()).isZero();
    assertThat(importFile(purchases, org, topic).status()).isZero();
    awaitConsumed(server, 2 * 709);
    assertThat(server.stats().snapshot().deduplicated()).isEqualTo(709);
    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(answers(http, org)).isEqualTo(before));
  }

  private static void assertLiveWindowsUntouched(Map<String, JsonNode> answers, String org) {
    var path = "/api/campaigns/" + CAMPAIGN + "/analytics/real-time?organizationId=" + org;
    var allTime = answers.get(path);
    assertThat(allTime.get("impressions").asLong()).isEqualTo(2);
    assertThat(allTime.get("clicks").asLong()).isEqualTo(1);
    assertThat(allTime.get("conversions").asLong()).isEqualTo(2);
    assertThat(allTime.get("conversionValue").decimalValue()).isEqualByComparingTo("200.5");
    var lastDay = answers.get(path + "&timeWindow=86400");
    assertThat(lastDay.get("impressions").asLong()).isZero();
    assertThat(lastDay.get("clicks").asLong()).isZero();
    assertThat(lastDay.get("conversions").asLong()).isZero();
  }

  private static void awaitConsumed(BeaconServer server, long records) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> server.stats().snapshot().consumed() >= records && server.stats().snapshot().inFlightBatch() == 0);
  }
}
