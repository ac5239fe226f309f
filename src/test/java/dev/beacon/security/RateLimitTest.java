package dev.beacon.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Json;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-key token buckets on a running server, read scope limited to 20 requests a second (20
 * at once): one key sending at ten times that gets 429 with Retry-After for what is over, while
 * another key of the same organisation, at half the limit on the same endpoint at the same time,
 * gets every request through.
 */
class RateLimitTest {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String ADMIN_KEY = "rate-limit-test-admin-key-" + UUID.randomUUID();
  private static final int LIMIT = 20;
  private static final Duration RUN = Duration.ofSeconds(4);

  private record Outcome(int status, String retryAfter) {}

  @Test
  void aKeyOverItsLimitGets429AndAnotherKeyAtItsRateGetsEveryRequestThrough() throws Exception {
    var dir = Files.createTempDirectory("beacon-rate");
    var server = broker.start(TestServers.config(dir, broker.kafka().bootstrapServers(), TestDatabase.h2(dir),
        "rate-" + UUID.randomUUID(), """
            beacon.security.admin-key = "%s"
            beacon.security.rate-limits.read { per-second = %d, burst = %d }
            """.formatted(ADMIN_KEY, LIMIT, LIMIT)));
    var base = "http://127.0.0.1:" + server.httpPort();
    var noisy = makeReadKey(base);
    var steady = makeReadKey(base);
    var path = base + "/api/admin/organizations/acme/keys";
    // any read endpoint will do: the live feed of an organisation with nothing yet answers 404, unless the limit answers 429
    var live = base + "/api/analytics/events/live?organizationId=acme";

    var noisyAnswers = new ConcurrentLinkedQueue<CompletableFuture<Outcome>>();
    var steadyAnswers = new ConcurrentLinkedQueue<CompletableFuture<Outcome>>();
    var scheduler = Executors.newScheduledThreadPool(2);
    try {
      // ten times the limit, and half of it
      scheduler.scheduleAtFixedRate(() -> noisyAnswers.add(get(live, noisy)), 0, 1_000_000 / (LIMIT * 10), TimeUnit.MICROSECONDS);
      scheduler.scheduleAtFixedRate(() -> steadyAnswers.add(get(live, steady)), 0, 1_000_000 / (LIMIT / 2), TimeUnit.MICROSECONDS);
      scheduler.awaitTermination(RUN.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      scheduler.shutdownNow();
    }
    var noisyOutcomes = outcomes(noisyAnswers);
    var steadyOutcomes = outcomes(steadyAnswers);
    var noisyThrough = noisyOutcomes.stream().filter(o -> o.status() != 429).count();
    var noisyLimited = noisyOutcomes.stream().filter(o -> o.status() == 429).toList();
    System.out.printf("rate limit %d/s over %s: noisy key sent %d, %d through, %d got 429; steady key sent %d, %d through%n",
        LIMIT, RUN, noisyOutcomes.size(), noisyThrough, noisyLimited.size(), steadyOutcomes.size(),
        steadyOutcomes.stream().filter(o -> o.status() != 429).count());

    assertThat(steadyOutcomes).hasSizeGreaterThanOrEqualTo(20).allSatisfy(o -> assertThat(o.status()).isEqualTo(404));
    assertThat(noisyLimited).isNotEmpty().allSatisfy(o -> assertThat(o.retryAfter()).isNotNull());
    assertThat(noisyLimited).allSatisfy(o -> assertThat(Long.parseLong(o.retryAfter())).isBetween(1L, 2L));
    // what got through is the burst plus the refill over the run, with a second's slack for the clock
    assertThat(noisyThrough).isLessThanOrEqualTo(LIMIT + (long) LIMIT * (RUN.toSeconds() + 2));
    assertThat(noisyOutcomes.stream().filter(o -> o.status() != 429)).allSatisfy(o -> assertThat(o.status()).isEqualTo(404));
    // the admin scope has its own bucket: the noisy key's read spending does not touch it
    assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create(path)).header("Authorization", "Bearer " + ADMIN_KEY).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
  }

  private static String makeReadKey(String base) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(base + "/api/admin/organizations/acme/keys"))
        .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\": [\"read\"]}")).build();
    var response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(201);
    return Json.MAPPER.readTree(response.body()).get("key").asText();
  }

  private static CompletableFuture<Outcome> get(String uri, String key) {
    var request = HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + key)
        .timeout(Duration.ofSeconds(30)).build();
    return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(r -> new Outcome(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null)));
  }

  private static List<Outcome> outcomes(ConcurrentLinkedQueue<CompletableFuture<Outcome>> answers) {
    var all = new ArrayList<Outcome>();
    for (var answer : answers) all.add(answer.join());
    return all;
  }
}
