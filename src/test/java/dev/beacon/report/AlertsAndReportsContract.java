package dev.beacon.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.beacon.common.Json;
import dev.beacon.security.Scope;
import dev.beacon.testing.CommandRun;
import dev.beacon.testing.KeyedServer;
import dev.beacon.testing.SseReader;
import dev.beacon.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Anomaly alerts and daily reports on a running server with keys required (in-JVM broker, H2 or PostgreSQL):
 * seven steady hours then an hour whose clicks collapse, sent with their real times; the first
 * batch after it raises the campaign's alerts, which the alert routes list (read-scoped to the
 * organisation) and an SSE client receives; the daily report's route and the {@code report}
 * command, run on the server's database while it runs, give the same figures, and the CSV parses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AlertsAndReportsContract {
  private static final String ORG = "acme";
  private KeyedServer server;
  private String read;
  private String ingest;
  private String admin;
  /** The hour whose clicks collapse: the one before the test started. */
  private Instant collapsed;

  /** The server's database, made for its folder. */
  abstract TestDatabase database(Path dir);

  @BeforeAll
  void start() throws Exception {
    server = KeyedServer.start("alerts", "beacon.ingest.batch-window = 2s\n", this::database);
    read = server.key(ORG, Set.of(Scope.READ));
    ingest = server.key(ORG, Set.of(Scope.INGEST));
    admin = server.key(ORG, Set.of(Scope.ADMIN));
    collapsed = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
    var events = new ArrayList<String>();
    for (int h = 7; h >= 1; h--) {
      var hour = collapsed.minus(Duration.ofHours(h));
      // a second apart: events without a user and without an id are told apart by what they say
      for (int i = 0; i < 100; i++) events.add(event("impression", hour.plusSeconds(600 + i), null, null));
      // the last steady hour's clicks are users' who convert, for the attribution models
      for (int i = 0; i < 6; i++) events.add(event("click", hour.plusSeconds(1200 + i), "1", h == 1 ? "u" + i : null));
      if (h == 1) for (int i = 0; i < 6; i++) events.add(event("conversion", hour.plusSeconds(1800 + i), "10", "u" + i));
    }
    for (int i = 0; i < 100; i++) events.add(event("impression", collapsed.plusSeconds(600 + i), null, null));
    // served to a known bot: counted raw, flagged as invalid traffic
    for (int i = 0; i < 2; i++) {
      events.add("{\"eventType\": \"impression\", \"campaignId\": \"c1\", \"timestamp\": \"" + collapsed.plusSeconds(900 + i)
          + "\", \"metadata\": {\"userAgent\": \"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)\"}}");
    }
    send(events);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      var metrics = server.http().send("GET", "/api/campaigns/c1/analytics/real-time?organizationId=acme", read, null);
      assertThat(metrics.status()).as(metrics.text()).isEqualTo(200);
      assertThat(metrics.body().get("impressions").asLong()).isEqualTo(802);
    });
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) server.close();
  }

  private static String event(String type, Instant at, String value, String user) {
    return "{\"eventType\": \"" + type + "\", \"campaignId\": \"c1\", \"timestamp\": \"" + at + "\""
        + (value == null ? "" : ", \"value\": " + value)
        + (user == null ? "" : ", \"metadata\": {\"userId\": \"" + user + "\"}") + "}";
  }

  private void send(List<String> events) {
    var answer = server.http().send("POST", "/api/analytics/real-time", ingest, "{\"events\": [" + String.join(",", events) + "]}");
    assertThat(answer.status()).as(answer.text()).isEqualTo(202);
  }

  /** Raises the collapsed hour's alerts, once: the first batch after it judges it. */
  private synchronized void closeTheHour() {
    var alerts = server.http().send("GET", "/api/campaigns/c1/alerts?organizationId=acme", read, null);
    if (!alerts.body().get("alerts").isEmpty()) return;
    send(List.of(event("impression", Instant.now(), null, null)));
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
        !server.http().send("GET", "/api/campaigns/c1/alerts?organizationId=acme", read, null).body().get("alerts").isEmpty());
  }

  @Test
  void theCollapsedHourRaisesAlertsListedForTheOrganizationAndPushedLive() throws Exception {
    var subscription = server.http().send("POST", "/api/analytics/real-time/subscribe", read, "{\"organizationId\": \"acme\"}");
    assertThat(subscription.status()).isEqualTo(201);
    var id = subscription.body().get("subscription").get("id").asText();
    try (var sse = new SseReader("http://127.0.0.1:" + server.port() + "/api/analytics/real-time/updates?subscriptionId=" + id
        + "&format=sse&token=" + read, null)) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !sse.events.isEmpty());
      closeTheHour();

      var campaign = server.http().send("GET", "/api/campaigns/c1/alerts?organizationId=acme", read, null).body();
      assertThat(metrics(campaign.get("alerts"))).containsExactlyInAnyOrder("ctr", "spend_pace");
      for (var alert : campaign.get("alerts")) {
        assertThat(alert.get("hour").asText()).isEqualTo(collapsed.toString());
        assertThat(alert.get("direction").asText()).isEqualTo("below");
      }
      assertThat(campaign.get("alerts").get(0).get("expected").asDouble()).isPositive();
      var organization = server.http().send("GET", "/api/alerts?organizationId=acme", read, null).body();
      assertThat(organization.get("alerts")).hasSize(2)
          .allSatisfy(a -> assertThat(a.get("campaignId").asText()).isEqualTo("c1"));

      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sse.events.stream()
          .filter(e -> "update".equals(e.event()) && e.data().has("alerts"))
          .flatMap(e -> metrics(e.data().get("alerts")).stream()).toList())
          .containsExactlyInAnyOrder("ctr", "spend_pace"));
    }
  }

  @Test
  void alertsAndReportsAreReadScopedToTheOrganization() {
    var other = server.key("globex", Set.of(Scope.READ));
    assertThat(server.http().send("GET", "/api/alerts?organizationId=acme", other, null).status()).isEqualTo(403);
    assertThat(server.http().send("GET", "/api/campaigns/c1/alerts?organizationId=acme", other, null).status()).isEqualTo(403);
    assertThat(server.http().send("GET", "/api/reports/daily?organizationId=acme", other, null).status()).isEqualTo(403);
    assertThat(server.http().send("GET", "/api/alerts?organizationId=acme", null, null).status()).isEqualTo(401);
    var bad = server.http().send("GET", "/api/reports/daily?organizationId=acme&date=yesterday&format=xml", read, null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.text()).contains("date: ").contains("format: must be json or csv");
  }

  @Test
  void aDailyBudgetIsSetWithTheAdminScopeAndReadBack() {
    var body = "{\"dailyBudget\": 250.50}";
    assertThat(server.http().send("PUT", "/api/campaigns/c1/settings?organizationId=acme", read, body).status()).isEqualTo(403);
    var set = server.http().send("PUT", "/api/campaigns/c1/settings?organizationId=acme", admin, body);
    assertThat(set.status()).as(set.text()).isEqualTo(200);
    var got = server.http().send("GET", "/api/campaigns/c1/settings?organizationId=acme", read, null).body();
    assertThat(got.get("dailyBudget").decimalValue()).isEqualByComparingTo("250.5");
    var refused = server.http().send("PUT", "/api/campaigns/c1/settings?organizationId=acme", admin, "{\"dailyBudget\": -3}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.text()).contains("dailyBudget: must not be negative");
  }

  @Test
  void theReportRouteAndTheReportCommandGiveTheSameFigures() throws Exception {
    closeTheHour();
    var date = collapsed.atZone(ZoneOffset.UTC).toLocalDate();
    var path = "/api/reports/daily?organizationId=acme&date=" + date;
    // the journeys' read side credits the conversions (the hour before the collapse) a moment after they are counted
    var credited = collapsed.minus(Duration.ofHours(1)).atZone(ZoneOffset.UTC).toLocalDate().equals(date);
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
        server.http().send("GET", path, read, null).body().path("attribution").has("last_click") || !credited);
    var json = server.http().send("GET", path + "&format=json", read, null);
    assertThat(json.status()).as(json.text()).isEqualTo(200);
    var report = json.body();
    var row = report.get("campaigns").get(0);
    assertThat(row.get("campaignId").asText()).isEqualTo("c1");
    assertThat(row.get("alerts").asInt()).isEqualTo(2);
    if (credited) {
      assertThat(row.get("attribution").get("first_click").get("conversions").asDouble()).isEqualTo(6.0);
      assertThat(row.get("attribution").get("last_click").get("revenue").asDouble()).isEqualTo(60.0);
    }
    var daily = server.http().send("GET", "/api/campaigns/c1/analytics/daily?organizationId=acme&from=" + date + "&to=" + date,
        read, null).body().get("days").get(0);
    assertThat(row.get("impressions").asLong()).isEqualTo(daily.get("impressions").asLong());
    assertThat(row.get("clicks").asLong()).isEqualTo(daily.get("clicks").asLong());
    assertThat(row.get("spent").decimalValue()).isEqualByComparingTo(daily.get("spent").decimalValue());
    assertThat(row.get("invalidEvents").asLong()).isEqualTo(2).isEqualTo(daily.get("invalidEvents").asLong());
    assertThat(row.get("validImpressions").asLong()).isEqualTo(row.get("impressions").asLong() - 2);
    var csv = server.http().send("GET", path + "&format=csv", read, null);
    assertThat(csv.status()).isEqualTo(200);

    var db = server.database();
    // the credentials come from the environment, as the server's; the test's go in the URL, which the drivers read too
    var url = db.isPostgres() ? db.url + "?user=" + db.user + "&password=" + db.password : db.url;
    var command = CommandRun.of(ReportCommand::run, "--organization", "acme", "--date", date.toString(), "--format", "json",
        "--db-url", url);
    assertThat(command.status()).as(command.err()).isZero();
    assertThat(Json.MAPPER.readTree(command.out())).isEqualTo(report);
    var file = Files.createTempFile("report", ".csv");
    var toFile = CommandRun.of(ReportCommand::run, "--organization", "acme", "--date", date.toString(), "--db-url", url,
        "--output", file.toString());
    assertThat(toFile.status()).as(toFile.err()).isZero();
    assertThat(Files.readString(file)).isEqualTo(csv.text());

    var rows = csvRows(csv.text());
    assertThat(rows.get(0)).isEqualTo(DailyReport.columns());
    assertThat(rows).hasSize(2);
    var values = rows.get(1);
    assertThat(values.get(DailyReport.columns().indexOf("campaign_id"))).isEqualTo("c1");
    assertThat(Long.parseLong(values.get(DailyReport.columns().indexOf("clicks")))).isEqualTo(row.get("clicks").asLong());
    assertThat(values.get(DailyReport.columns().indexOf("alert_metrics"))).isEqualTo("ctr;spend_pace");
    assertThat(values.get(DailyReport.columns().indexOf("invalid_events"))).isEqualTo("2");
  }

  @Test
  void theReportCommandSaysWhatIsWrong() {
    var badDate = CommandRun.of(ReportCommand::run, "--organization", "acme", "--date", "yesterday");
    assertThat(badDate.status()).isEqualTo(2);
    assertThat(badDate.err()).contains("--date: must be a date");
    var noDatabase = CommandRun.of(ReportCommand::run, "--organization", "acme", "--data-dir", "/nonexistent/beacon");
    assertThat(noDatabase.status()).isEqualTo(1);
    assertThat(noDatabase.err()).startsWith("Beacon cannot report: no Beacon database at /nonexistent/beacon");
  }

  private static List<String> metrics(JsonNode alerts) {
    var names = new ArrayList<String>();
    alerts.forEach(a -> names.add(a.get("metric").asText()));
    return names;
  }

  private static List<List<String>> csvRows(String text) throws Exception {
    var mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
    try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class).readValues(text)) {
      return it.readAll();
    }
  }
}
