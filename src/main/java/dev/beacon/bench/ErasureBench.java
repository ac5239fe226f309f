package dev.beacon.bench;

import dev.beacon.BeaconServer;
import dev.beacon.common.Json;
import dev.beacon.common.Sql;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The bench's erasure workload ({@code bench --erasure N}): one user's N events (views, clicks
 * and now and then a purchase, a second apart in event time over the last hours, sessions of 30
 * minutes, campaigns in turn, so no invalid-traffic rule flags them) interleaved with as many
 * events of 1,000 other users of the same organisation, through Kafka into a running server on
 * PostgreSQL, in rounds of {@value #ROUND} of the user's events, each consumed before the next
 * is sent: a user's events come over time, so their journal holds many rows and snapshots, not
 * the few of one big batch. Then {@code DELETE /api/users/{id}} and the request's progress
 * polled until it is {@code done}: the seconds, the journal rows and snapshots it deleted (from
 * its progress lines), and the journal rows and snapshots whose bytes hold the user id, before
 * and after (after must be none).
 */
final class ErasureBench {
  static final String ORGANIZATION = "bench-erasure";
  private static final int OTHER_USERS = 1_000;
  private static final int CAMPAIGNS = 40;
  static final int ROUND = 10;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern DELETED = Pattern.compile("journals: (\\d+) row\\(s\\) and (\\d+) snapshot\\(s\\) deleted");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ErasureBench() {}

  /**
   * One erasure: the user's events and the others', the seconds from the request to {@code done},
   * what its progress says it deleted, and the journal rows and snapshots naming the user before
   * and after.
   */
  record Result(String userId, long userEvents, long otherEvents, double fillSeconds, double erasureSeconds,
      long journalRowsDeleted, long snapshotsDeleted, long journalRowsNamingUserBefore, long snapshotsNamingUserBefore,
      long journalRowsNamingUserAfter, long snapshotsNamingUserAfter, List<String> progress) {}

  /**
   * Sends the user's {@code n} events and as many of the others' to {@code topic}, round by round,
   * each consumed by {@code server} before the next; the seconds it took.
   */
  static double fill(BeaconServer server, KafkaProducer<String, byte[]> producer, String topic, String userId, long n,
      PrintStream out) throws InterruptedException {
    var failed = new AtomicReference<Exception>();
    org.apache.kafka.clients.producer.Callback onError = (m, error) -> {
      if (error != null) failed.compareAndSet(null, error);
    };
    var from = System.currentTimeMillis() - n * 1_000L;
    var started = System.nanoTime();
    try (var progress = new Progress(out, "send and consume, rounds of " + ROUND, 2 * n)) {
      for (long i = 0; i < n && failed.get() == null; i++) {
        var at = from + i * 1_000L;
        send(producer, topic, userId, i, at, onError);
        send(producer, topic, "other-" + (i % OTHER_USERS), i / OTHER_USERS, at, onError);
        if ((i + 1) % ROUND == 0 || i == n - 1) {
          producer.flush();
          var sent = 2 * (i + 1);
          while (true) {
            var s = server.stats().snapshot();
            if (s.consumed() >= sent && s.inFlightBatch() == 0) break;
            if (failed.get() != null) break;
            if (System.nanoTime() - started > TIMEOUT.toNanos()) {
              throw new IllegalStateException("consumed " + s.consumed() + " of " + sent + " records in " + TIMEOUT);
            }
            Thread.sleep(5);
          }
          progress.set(sent);
        }
      }
    }
    if (failed.get() != null) throw new IllegalStateException("producing to " + topic + " failed", failed.get());
    return (System.nanoTime() - started) / 1e9;
  }

  /** The {@code i}th event of {@code user}: every tenth a click, every hundredth a purchase, else a view. */
  private static void send(KafkaProducer<String, byte[]> producer, String topic, String user, long i, long at,
      org.apache.kafka.clients.producer.Callback onError) {
    var type = i % 100 == 99 ? "conversion" : i % 10 == 0 ? "click" : "view";
    var json = "{\"eventId\":\"" + user + "-" + i + "\",\"eventType\":\"" + type + "\",\"campaignId\":\"camp" + (i % CAMPAIGNS)
        + "\",\"organizationId\":\"" + ORGANIZATION + "\",\"timestamp\":" + at + (type.equals("conversion") ? ",\"value\":25.0" : "")
        + ",\"metadata\":{\"userId\":\"" + user + "\",\"sessionId\":\"" + user + "-" + at / 1_800_000L + "\"}}";
    producer.send(new ProducerRecord<>(topic, ORGANIZATION + "|" + user, json.getBytes(StandardCharsets.UTF_8)), onError);
  }

  /**
   * Erases {@code userId}, whose {@code userEvents} events {@code server} has consumed (in {@code
   * fillSeconds}), and waits for the request to be done; {@code dbUrl} (with the server's schema)
   * is searched before and after.
   */
  static Result erase(BeaconServer server, String dbUrl, String dbUser, String dbPassword, String userId, long userEvents,
      double fillSeconds, PrintStream out) throws Exception {
    long[] before;
    try (var c = DriverManager.getConnection(dbUrl, dbUser, dbPassword)) {
      before = naming(c, userId);
    }
    out.printf("  the user's events are in %,d journal row(s) and %,d snapshot(s)%n", before[0], before[1]);
    var port = server.httpPort();
    var started = System.nanoTime();
    var asked = call(port, "DELETE", "/api/users/" + userId + "?organizationId=" + ORGANIZATION);
    if (asked.statusCode() != 202) throw new IllegalStateException("the erasure was not accepted: " + asked.body());
    var id = Json.MAPPER.readTree(asked.body()).get("erasureId").asText();
    com.fasterxml.jackson.databind.JsonNode state;
    while (true) {
      state = Json.MAPPER.readTree(call(port, "GET", "/api/privacy/erasures/" + id + "?organizationId=" + ORGANIZATION).body());
      if ("done".equals(state.path("state").asText())) break;
      if (System.nanoTime() - started > TIMEOUT.toNanos()) {
        throw new IllegalStateException("erasure " + id + " not done in " + TIMEOUT + ": " + state);
      }
      Thread.sleep(50);
    }
    var erasureSeconds = (System.nanoTime() - started) / 1e9;
    var progress = new ArrayList<String>();
    state.path("progress").forEach(line -> progress.add(line.asText()));
    long rows = 0;
    long snapshots = 0;
    for (var line : progress) {
      var m = DELETED.matcher(line);
      if (m.find()) {
        rows = Long.parseLong(m.group(1));
        snapshots = Long.parseLong(m.group(2));
      }
    }
    long[] after;
    try (var c = DriverManager.getConnection(dbUrl, dbUser, dbPassword)) {
      after = naming(c, userId);
    }
    return new Result(userId, userEvents, userEvents, fillSeconds, erasureSeconds, rows, snapshots, before[0],
        before[1], after[0], after[1], progress);
  }

  /** The journal rows and snapshots whose payload's bytes hold {@code userId} (UTF-8, as the serialisers write it). */
  private static long[] naming(Connection c, String userId) throws SQLException {
    var needle = userId.getBytes(StandardCharsets.UTF_8);
    var rows = Sql.first(c, "SELECT COUNT(*) FROM event_journal WHERE position(? IN event_payload) > 0",
        r -> r.getLong(1), (Object) needle).orElseThrow();
    var snapshots = Sql.first(c, "SELECT COUNT(*) FROM snapshot WHERE position(? IN snapshot_payload) > 0",
        r -> r.getLong(1), (Object) needle).orElseThrow();
    return new long[] {rows, snapshots};
  }

  private static HttpResponse<String> call(int port, String method, String path) throws Exception {
    // the bench's own server on loopback, open without a key
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The result as a few lines. */
  static void print(Result r, PrintStream out) {
    out.println();
    out.printf("erasure of one user with %,d events (and %,d events of %,d other users, sent in %.0f s): %.2f s from the "
        + "request to done%n", r.userEvents(), r.otherEvents(), OTHER_USERS, r.fillSeconds(), r.erasureSeconds());
    out.printf("  deleted: %,d journal row(s) and %,d snapshot(s) below the snapshots without the user%n",
        r.journalRowsDeleted(), r.snapshotsDeleted());
    out.printf("  naming the user: before %,d journal row(s) and %,d snapshot(s); after %,d and %,d%n",
        r.journalRowsNamingUserBefore(), r.snapshotsNamingUserBefore(), r.journalRowsNamingUserAfter(),
        r.snapshotsNamingUserAfter());
    out.println("  progress: " + r.progress());
  }
}
