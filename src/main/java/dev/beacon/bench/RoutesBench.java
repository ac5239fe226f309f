package dev.beacon.bench;

import dev.beacon.BeaconServer;
import dev.beacon.common.Json;
import dev.beacon.ingest.IngestStats;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * {@code bench --routes}: the same kind of site traffic ({@link SiteEvents}) through each HTTP
 * route events come in by ({@link IntakeRoute}), in the batches its senders make, into one
 * running server that requires keys: each route's events under an {@code ingest} key of an
 * organisation of their own, sent by a few concurrent clients (Java's HttpClient, a connection
 * each, one request at a time, as an SDK's flush does). Measured per route: requests/s and
 * events/s until every request was answered 2xx (Kafka acknowledged its events), events/s until
 * the pipeline has applied every event, and the requests' latency. Then checked: the intake
 * accepted and the pipeline applied each event once (none refused, deduplicated or
 * dead-lettered), and every campaign's totals are what the events make. Every route goes once
 * with a tenth of the events first, unmeasured but checked, so that each is measured with its
 * code compiled.
 */
final class RoutesBench {
  /** The ingest requests a key may make per second here: many more than the default 200, as a site this busy would set. */
  static final int INGEST_REQUESTS_PER_SECOND = 100_000;
  private static final Duration STALL = Duration.ofSeconds(60);
  private static final HttpClient ADMIN = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final BeaconServer server;
  private final String database;
  private final String adminKey;
  private final BenchOptions options;
  private final PrintStream out;
  private final URI base;

  RoutesBench(BeaconServer server, String database, String adminKey, BenchOptions options, PrintStream out) {
    this.server = server;
    this.database = database;
    this.adminKey = adminKey;
    this.options = options;
    this.out = out;
    this.base = URI.create("http://127.0.0.1:" + server.httpPort());
  }

  /** The routes measured, in this order. */
  static List<IntakeRoute> routes() {
    return List.of(new IntakeRoute.Beacon(100), new IntakeRoute.Segment(15), new IntakeRoute.Segment(100),
        new IntakeRoute.MeasurementProtocol());
  }

  /** What a server needs for this bench, beyond the bench's others: keys, and room for the senders' requests. */
  static String serverConfig(String adminKey) {
    return "beacon.security.admin-key = \"" + adminKey + "\"\n"
        + "beacon.security.rate-limits.ingest { per-second = " + INGEST_REQUESTS_PER_SECOND
        + ", burst = " + INGEST_REQUESTS_PER_SECOND + " }\n";
  }

  /**
   * One route on one database: requests and events, seconds until the last request was answered
   * 2xx and their rates, seconds until the last event was applied and its rate, request latency
   * (ms), and the check: {@code exact}, or what differs.
   */
  record Run(String database, String route, int eventsPerRequest, long events, long requests, double acceptedSeconds,
      double requestsPerSecond, double acceptedEventsPerSecond, double appliedSeconds, double appliedEventsPerSecond,
      double p50Millis, double p99Millis, String check) {}

  /** Every route with a tenth of the events (unmeasured), then every route measured; the measured runs. */
  List<Run> measure() throws Exception {
    var routes = routes();
    var events = (int) options.events();
    for (int i = 0; i < routes.size(); i++) run(routes.get(i), "routes-warm-" + i, Math.max(1, events / 10), options.seed() + i);
    var runs = new ArrayList<Run>();
    for (int i = 0; i < routes.size(); i++) {
      var run = run(routes.get(i), "routes-" + i, events, options.seed() + 100 + i);
      out.printf("  -> %s %s: %,.0f events/s accepted, %,.0f events/s applied, %s%n", database, run.route(),
          run.acceptedEventsPerSecond(), run.appliedEventsPerSecond(), run.check());
      runs.add(run);
    }
    return runs;
  }

  private Run run(IntakeRoute route, String organization, int n, long seed) throws Exception {
    var key = ingestKey(organization);
    var events = SiteEvents.make(organization, n, seed, System.currentTimeMillis());
    var oracle = new RetryOracle();
    var bodies = new ArrayList<byte[]>();
    for (int from = 0; from < n; from += route.eventsPerRequest()) {
      var batch = events.subList(from, Math.min(n, from + route.eventsPerRequest()));
      bodies.add(route.body(batch));
      for (var e : batch) {
        var metric = route.metric(e.kind());
        if (metric != null) oracle.counted(organization, e.campaign(), metric, e.cents());
      }
    }
    var before = server.stats().snapshot();
    var started = System.nanoTime();
    var latency = send(route, key, bodies, organization + " " + route.label(), n);
    var acceptedSeconds = (System.nanoTime() - started) / 1e9;
    var appliedSeconds = awaitApplied(before, started, organization);
    var after = server.stats().snapshot();
    var wrong = new ArrayList<String>();
    expect(wrong, "accepted by the intake", after.accepted() - before.accepted(), n);
    expect(wrong, "applied", after.applied() - before.applied(), n);
    expect(wrong, "deduplicated", after.deduplicated() - before.deduplicated(), 0);
    expect(wrong, "dead-lettered", after.deadLettered() - before.deadLettered(), 0);
    wrong.addAll(oracle.mismatches(server.httpPort(), adminKey));
    var check = wrong.isEmpty() ? "exact" : wrong.size() + " differences, first: " + wrong.subList(0, Math.min(5, wrong.size()));
    return new Run(database, route.label(), route.eventsPerRequest(), n, bodies.size(), acceptedSeconds,
        bodies.size() / acceptedSeconds, n / acceptedSeconds, appliedSeconds, n / appliedSeconds,
        latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0, check);
  }

  private static void expect(List<String> wrong, String what, long actual, long expected) {
    if (actual != expected) wrong.add(what + " " + actual + " != " + expected);
  }

  /**
   * Sends {@code bodies} with {@code options.senders()} clients, each taking the next body when
   * its last was answered; the requests' latency in microseconds. Fails on the first answer that
   * is not 2xx.
   */
  private Histogram send(IntakeRoute route, String key, List<byte[]> bodies, String label, long events) throws Exception {
    var next = new AtomicInteger();
    var sent = new java.util.concurrent.atomic.AtomicLong();
    var refused = new AtomicReference<String>();
    var pool = Executors.newFixedThreadPool(options.senders());
    try (var progress = new Progress(out, label, events)) {
      var senders = new ArrayList<Future<Histogram>>();
      for (int s = 0; s < options.senders(); s++) {
        senders.add(pool.submit(() -> {
          var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
          var latency = new Histogram(3);
          for (int i = next.getAndIncrement(); i < bodies.size() && refused.get() == null; i = next.getAndIncrement()) {
            var asked = System.nanoTime();
            var response = client.send(route.request(base, key, bodies.get(i)), HttpResponse.BodyHandlers.ofString());
            latency.recordValue((System.nanoTime() - asked) / 1_000);
            if (response.statusCode() / 100 != 2) {
              refused.compareAndSet(null, "request " + i + ": HTTP " + response.statusCode() + " " + response.body());
            }
            progress.set(sent.addAndGet(Math.min(route.eventsPerRequest(), events - (long) i * route.eventsPerRequest())));
          }
          return latency;
        }));
      }
      var all = new Histogram(3);
      for (var s : senders) all.add(s.get());
      if (refused.get() != null) throw new IllegalStateException(route.label() + " refused " + refused.get());
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits until the pipeline has consumed every record the intake wrote since {@code before}; seconds since {@code started}. */
  private double awaitApplied(IngestStats.Snapshot before, long started, String label) throws InterruptedException {
    var written = server.stats().snapshot().accepted() - before.accepted();
    var lastConsumed = -1L;
    var lastProgress = System.nanoTime();
    while (true) {
      var s = server.stats().snapshot();
      var consumed = s.consumed() - before.consumed();
      if (consumed >= written && s.inFlightBatch() == 0) return (System.nanoTime() - started) / 1e9;
      if (consumed != lastConsumed) {
        lastConsumed = consumed;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
        throw new IllegalStateException(label + ": the pipeline consumed " + consumed + " of " + written + " records and no more in "
            + STALL.toSeconds() + " s");
      }
      Thread.sleep(5);
    }
  }

  /** A new {@code ingest} key of {@code organization}, made with the admin key as a user would. */
  private String ingestKey(String organization) throws Exception {
    var request = HttpRequest.newBuilder(base.resolve("/api/admin/organizations/" + organization + "/keys"))
        .header("Authorization", "Bearer " + adminKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\":[\"ingest\"]}")).build();
    var response = ADMIN.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) throw new IllegalStateException("no key made for " + organization + ": " + response.body());
    return Json.MAPPER.readTree(response.body()).get("key").asText();
  }

  /** The runs as a table. */
  static void print(List<Run> runs, PrintStream out) {
    out.println();
    out.println("accepted: until every request was answered 2xx (its events acknowledged by Kafka); applied: until the "
        + "pipeline applied every event");
    out.printf("%-48s %-11s %9s %11s %11s %13s %13s %8s %8s  %s%n", "route", "database", "events", "requests/s",
        "accepted s", "accepted ev/s", "applied ev/s", "p50 ms", "p99 ms", "check");
    for (var r : runs) {
      out.printf("%-48s %-11s %,9d %,11.0f %11.2f %,13.0f %,13.0f %8.1f %8.1f  %s%n", r.route(), r.database(), r.events(),
          r.requestsPerSecond(), r.acceptedSeconds(), r.acceptedEventsPerSecond(), r.appliedEventsPerSecond(), r.p50Millis(),
          r.p99Millis(), r.check());
    }
  }
}
