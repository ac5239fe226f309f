package dev.beacon.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The right to be forgotten end to end, on the real broker and PostgreSQL: a user's events go in
 * through HTTP (campaign events whose session ids begin with the user id, and a purchase), build
 * a journey, feed rows, read-side rows and snapshots (a third user's click without analytics
 * consent counts in the campaign and builds no journey); {@code DELETE /api/users/{id}} is answered
 * 202 with a request id, and the request completes. Then no table (journal and snapshots
 * included, their bytes searched), no API answer and no log line written after the request
 * contains the user id; another user's journey and every campaign total are as they were.
 */
class ErasureEndToEndTest {
  private static final String ORG = "acme";

  @Test
  void afterAnErasureTheUserIdIsNowhereAndEverythingElseStays() throws Exception {
    var user = "erase-me-" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), 0, 6);
    var keeper = "keep-me-" + UUID.randomUUID().toString().substring(0, 8);
    var denier = "no-consent-" + UUID.randomUUID().toString().substring(0, 8);
    var adminKey = "admin-" + UUID.randomUUID();
    var dir = Files.createTempDirectory("beacon-erasure");
    var logs = new ListAppender<ILoggingEvent>();
    logs.start();
    var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    try (var db = TestDatabase.postgres(); var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0)) {
      var server = BeaconServer.start(TestServers.config(dir, kafka.bootstrapServers(), db, "erasure-" + UUID.randomUUID(), """
          beacon.security.admin-key = "%s"
          beacon.journey.snapshot-every = 2
          beacon.privacy.erasure-interval = 1s
          beacon.privacy.read-side-wait = 20s
          beacon.privacy.retention.organizations { acme = 30 }
          """.formatted(adminKey)));
      try {
        var http = new HttpCalls(server.httpPort());
        for (int batch = 0; batch < 3; batch++) {
          var events = new ArrayList<String>();
          for (var who : List.of(user, keeper)) {
            events.add(event("click", "spring-sale", who, who + "-s" + batch, batch * 60, ""));
            events.add(event("view", "spring-sale", who, who + "-s" + batch, batch * 60 + 5, ""));
          }
          if (batch == 2) events.add(event("conversion", "spring-sale", user, user + "-s2", 130, ",\"value\":42.5"));
          // a third user without analytics consent: counted by the campaign, no journey
          if (batch == 0) events.add(event("click", "spring-sale", denier, denier + "-s0", 1, "")
              .replace("\"userAgent\"", "\"consent\":{\"analytics\":false},\"userAgent\""));
          var sent = http.send("POST", "/api/analytics/real-time", adminKey, "{\"events\":[" + String.join(",", events) + "]}");
          assertThat(sent.status()).as(sent.text()).isEqualTo(202);
          // one batch at a time: each makes journal rows, and with snapshot-every 2 the bucket snapshots the user
          var expected = (batch + 1) * 4 + 1 + (batch == 2 ? 1 : 0);
          Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> clicksAndViews(http, adminKey) == expected);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60))
            .until(() -> http.send("GET", "/api/users/" + user + "/journey?organizationId=" + ORG, adminKey, null).status() == 200);
        // a model decides for both users and learns from the user's reward: its journal names them
        var model = http.send("PUT", "/api/models/picker", adminKey,
            "{\"organizationId\":\"" + ORG + "\",\"arms\":[\"spring-sale\",\"newsletter\"],\"dimension\":2}");
        assertThat(model.status()).as(model.text()).isEqualTo(201);
        for (var who : List.of(user, keeper, user)) {
          var decided = http.send("POST", "/api/models/picker/decide", adminKey, "{\"features\":[0.5,1.0],\"userId\":\"" + who + "\"}");
          assertThat(decided.status()).as(decided.text()).isEqualTo(200);
          var rewarded = http.send("POST", "/api/models/picker/reward", adminKey,
              "{\"decisionId\":\"" + decided.body().get("decisionId").asText() + "\",\"reward\":1}");
          assertThat(rewarded.status()).as(rewarded.text()).isEqualTo(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> feed(http, adminKey).contains(user));
        assertThat(http.send("GET", "/api/users/" + denier + "/journey?organizationId=" + ORG, adminKey, null).status())
            .as("no journey without analytics consent").isEqualTo(404);
        assertThat(feed(http, adminKey)).doesNotContain(denier);
        try (var c = db.connect()) {
          assertThat(occurrences(c, user)).as("the user is in the database before the erasure").isNotEmpty();
        }
        var totalsBefore = campaign(http, adminKey);
        var keeperBefore = http.send("GET", "/api/users/" + keeper + "/journey?organizationId=" + ORG, adminKey, null).body();

        int logsAtRequest;
        synchronized (logs) {
          logsAtRequest = logs.list.size();
        }
        var asked = http.send("DELETE", "/api/users/" + user + "?organizationId=" + ORG, adminKey, null);
        assertThat(asked.status()).as(asked.text()).isEqualTo(202);
        assertThat(asked.text()).doesNotContain(user);
        var id = asked.body().get("erasureId").asText();
        var progressPath = "/api/privacy/erasures/" + id + "?organizationId=" + ORG;
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).alias("the erasure done")
            .until(() -> {
              var answer = http.send("GET", progressPath, adminKey, null);
              return "done".equals(answer.body().path("state").asText());
            });

        var done = http.send("GET", progressPath, adminKey, null);
        assertThat(done.text()).doesNotContain(user);
        assertThat(done.body().get("completedAt").isNull()).isFalse();
        assertThat(done.body().get("progress").toString())
            .contains("journeys: forgotten in 1 journal(s)", "bandit models: forgotten in", "live feed: forgotten");
        assertThat(http.send("GET", "/api/users/" + user + "/journey?organizationId=" + ORG, adminKey, null).status()).isEqualTo(404);
        assertThat(feed(http, adminKey)).doesNotContain(user).contains(keeper);
        assertThat(http.send("GET", "/api/privacy/erasures?organizationId=" + ORG, adminKey, null).text()).doesNotContain(user);
        assertThat(campaign(http, adminKey)).as("aggregates stay").isEqualTo(totalsBefore);
        assertThat(http.send("GET", "/api/users/" + keeper + "/journey?organizationId=" + ORG, adminKey, null).body())
            .isEqualTo(keeperBefore);
        // the audit: what is kept, consent (the keeper's events said nothing, the user is gone), erasures, retention
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !http.send("GET", "/api/privacy/audit?organizationId=" + ORG,
            adminKey, null).body().path("retention").path("lastRun").isNull());
        var audit = http.send("GET", "/api/privacy/audit?organizationId=" + ORG, adminKey, null);
        assertThat(audit.status()).as(audit.text()).isEqualTo(200);
        assertThat(audit.text()).doesNotContain(user);
        assertThat(audit.body().at("/kept/journeys").asInt()).isEqualTo(1);
        assertThat(audit.body().at("/kept/perUser").size()).isPositive();
        assertThat(audit.body().at("/erasures/done").asInt()).isEqualTo(1);
        assertThat(audit.body().at("/erasures/pending").asInt()).isZero();
        assertThat(audit.body().at("/retention/days").asInt()).isEqualTo(30);
        assertThat(audit.body().at("/retention/lastRun/ranAt").asText()).as(audit.text()).isNotEmpty();
        assertThat(http.send("GET", "/api/privacy/audit?organizationId=" + ORG, null, null).status()).isEqualTo(401);
        try (var c = db.connect()) {
          assertThat(occurrences(c, user)).as("tables, journal rows and snapshots naming the user").isEmpty();
          assertThat(occurrences(c, keeper)).as("the other user's journal rows or snapshot stay").isNotEmpty();
          assertThat(count(c, "SELECT COUNT(*) FROM erasure_requests WHERE id = '" + id + "' AND user_id IS NULL")).isEqualTo(1);
        }
        synchronized (logs) {
          var after = logs.list.subList(logsAtRequest, logs.list.size()).stream().map(ErasureEndToEndTest::text)
              .filter(line -> line.contains(user)).toList();
          assertThat(after).as("log lines written after the request that name the user").isEmpty();
          assertThat(logs.list.subList(logsAtRequest, logs.list.size()).stream().map(ErasureEndToEndTest::text))
              .as("the erasure is logged by its id").anyMatch(line -> line.contains("Erasure " + id) && line.contains("done"));
        }
      } finally {
        server.stop().toCompletableFuture().get();
      }
    } finally {
      root.detachAppender(logs);
    }
  }

  private static String event(String type, String campaign, String user, String session, int second, String extra) {
    var at = java.time.Instant.now().minusSeconds(600).plusSeconds(second);
    return "{\"eventType\":\"" + type + "\",\"campaignId\":\"" + campaign + "\",\"organizationId\":\"" + ORG
        + "\",\"timestamp\":\"" + at + "\",\"metadata\":{\"userId\":\"" + user + "\",\"sessionId\":\"" + session
        + "\",\"userAgent\":\"Mozilla/5.0\"}" + extra + "}";
  }

  private static JsonNode campaign(HttpCalls http, String key) {
    var metrics = (com.fasterxml.jackson.databind.node.ObjectNode) http.send("GET",
        "/api/campaigns/spring-sale/analytics/real-time?organizationId=" + ORG, key, null).body();
    // the time of the answer is not a figure
    metrics.remove("timestamp");
    return metrics;
  }

  private static long clicksAndViews(HttpCalls http, String key) {
    var all = campaign(http, key);
    return all.path("clicks").asLong() + all.path("views").asLong() + all.path("conversions").asLong();
  }

  private static String feed(HttpCalls http, String key) {
    return http.send("GET", "/api/analytics/events/live?organizationId=" + ORG + "&limit=100", key, null).text();
  }

  private static String text(ILoggingEvent e) {
    var proxy = e.getThrowableProxy();
    return e.getFormattedMessage() + (proxy == null ? "" : " " + proxy.getMessage());
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every table.column.row-number of the database's schema whose value holds {@code text} (bytes searched as UTF-8). */
  static List<String> occurrences(Connection c, String text) throws SQLException {
    var needle = text.getBytes(StandardCharsets.UTF_8);
    var found = new ArrayList<String>();
    var tables = new ArrayList<String>();
    try (var rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
      while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
    }
    for (var table : tables) {
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
        var columns = rs.getMetaData().getColumnCount();
        var row = 0;
        while (rs.next()) {
          row++;
          for (int i = 1; i <= columns; i++) {
            var bytes = rs.getBytes(i);
            if (bytes != null && indexOf(bytes, needle) >= 0) found.add(table + "." + rs.getMetaData().getColumnName(i) + "#" + row);
          }
        }
      }
    }
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
