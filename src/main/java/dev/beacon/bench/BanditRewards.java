package dev.beacon.bench;

import dev.beacon.BeaconServer;
import dev.beacon.common.Json;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The bench's rewards workload: interactions of the old learner's shape (21 features, one of 4
 * arms by id or index, a reward from a hidden linear model) for one model, pre-produced to the
 * interactions topic, then learned by a server (Kafka, the model's shares, each persisted) while
 * its model's {@code totalUpdates} is polled over HTTP until it reaches the count. What it prints
 * of a run: records, seconds from the first learned to the last, rewards per second, and the
 * micro-batches and model shares (one event each) they came in.
 */
final class BanditRewards {
  static final String MODEL = "bench-picker";
  private static final int DIMENSION = 21;
  private static final List<String> ARMS = List.of("campaign-1", "campaign-2", "campaign-3", "campaign-4");
  private static final Duration STALL = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private BanditRewards() {}

  /**
   * One run: the interactions learned, from the first to the last (their {@code seconds}), their
   * micro-batches and shares (events), and whether the model counted exactly the records.
   */
  record Result(String database, long records, double produceSeconds, double seconds, double rewardsPerSecond, long batches,
      double meanBatch, long largestBatch, long shares, double meanShare, long largestShare, long totalUpdates,
      boolean exact) {}

  /** Creates the model: 4 arms, the default dimension (21). */
  static void configure(int port) throws Exception {
    var body = "{\"organizationId\": \"bench\", \"arms\": " + Json.MAPPER.writeValueAsString(ARMS) + "}";
    var answer = HTTP.send(HttpRequest.newBuilder(uri(port, "/api/models/" + MODEL)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 201) throw new IllegalStateException("the bench model was not created: " + answer.body());
  }

  /** Produces {@code n} interactions to {@code topic}; the seconds it took, all acknowledged. */
  static double produce(KafkaProducer<String, byte[]> producer, String topic, long n, long seed, PrintStream out) {
    var world = new SplittableRandom(seed);
    var hidden = new double[ARMS.size()][DIMENSION];
    for (var arm : hidden) for (var j = 0; j < DIMENSION; j++) arm[j] = world.nextGaussian() / Math.sqrt(DIMENSION);
    var failed = new AtomicReference<Exception>();
    var started = System.nanoTime();
    try (var progress = new Progress(out, "produce " + topic, n)) {
      var text = new StringBuilder(512);
      for (long i = 0; i < n && failed.get() == null; i++) {
        var arm = world.nextInt(ARMS.size());
        var score = 0.0;
        text.setLength(0);
        text.append("{\"modelId\":\"").append(MODEL).append("\",\"features\":[");
        for (var j = 0; j < DIMENSION; j++) {
          var x = world.nextGaussian();
          score += hidden[arm][j] * x;
          text.append(j == 0 ? "" : ",").append((float) x);
        }
        var reward = world.nextDouble() < 1 / (1 + Math.exp(-score)) ? 1 : 0;
        text.append("],\"action\":");
        if (i % 2 == 0) text.append('"').append(ARMS.get(arm)).append('"');
        else text.append(arm);
        text.append(",\"reward\":").append(reward).append('}');
        producer.send(new ProducerRecord<>(topic, "user-" + (i % 100_000), text.toString().getBytes(StandardCharsets.UTF_8)),
            (metadata, error) -> {
              if (error != null) failed.compareAndSet(null, error);
            });
        progress.set(i + 1);
      }
      producer.flush();
    }
    if (failed.get() != null) throw new IllegalStateException("producing to " + topic + " failed", failed.get());
    return (System.nanoTime() - started) / 1e9;
  }

  /** Polls the model until it learned {@code n} updates; the result, timed from its first update. */
  static Result learn(BeaconServer server, String database, long n, double produceSeconds, PrintStream out) throws Exception {
    long started = 0;
    long lastChange = System.nanoTime();
    long updates = 0;
    try (var progress = new Progress(out, "rewards " + database, n)) {
      while (updates < n) {
        var now = totalUpdates(server.httpPort());
        if (now > updates) lastChange = System.nanoTime();
        if (started == 0 && now > 0) started = System.nanoTime();
        updates = now;
        progress.set(updates);
        if (System.nanoTime() - lastChange > STALL.toNanos()) {
          throw new IllegalStateException("the model stalled at " + updates + " of " + n + " updates");
        }
        Thread.sleep(10);
      }
    }
    var seconds = (System.nanoTime() - started) / 1e9;
    // a redelivery learned twice would show a moment later
    Thread.sleep(1_000);
    var total = totalUpdates(server.httpPort());
    var s = server.interactionStats().snapshot();
    return new Result(database, n, produceSeconds, seconds, n / seconds, s.batches(), (double) s.consumed() / s.batches(),
        s.largestBatch(), s.shares(), (double) s.learned() / s.shares(), s.largestShare(), total, total == n);
  }

  static void print(List<Result> results, PrintStream out) {
    if (results.isEmpty()) return;
    out.println();
    out.println("rewards through Kafka -> model entity -> persisted (interactions: d = 21, 4 arms, one model; seconds from the "
        + "first learned to the last)");
    out.printf("%-11s %12s %10s %12s %10s %10s %10s %10s %10s %10s %8s%n", "database", "records", "seconds", "rewards/s", "batches",
        "mean", "largest", "events", "mean", "largest", "exact");
    for (var r : results) {
      out.printf("%-11s %,12d %10.2f %,12.0f %,10d %,10.0f %,10d %,10d %,10.0f %,10d %8s%n", r.database(), r.records(), r.seconds(),
          r.rewardsPerSecond(), r.batches(), r.meanBatch(), r.largestBatch(), r.shares(), r.meanShare(), r.largestShare(),
          r.exact() ? "yes" : "NO: " + r.totalUpdates());
    }
  }

  private static long totalUpdates(int port) throws Exception {
    var answer = HTTP.send(HttpRequest.newBuilder(uri(port, "/api/models/" + MODEL)).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) throw new IllegalStateException("GET the bench model: " + answer.statusCode() + " " + answer.body());
    return Json.MAPPER.readTree(answer.body()).get("totalUpdates").asLong();
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
