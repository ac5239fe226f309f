package dev.beacon.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Json;
import dev.beacon.event.EventParser;
import dev.beacon.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {
  static final ActorTestKit testKit = ActorTestKit.create("SimulatorTest",
      ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.defaultReference()));
  static final String TOPIC = "sim-events";
  static final Duration WAIT = Duration.ofSeconds(20);

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  /** Acknowledges every record at once and keeps it. */
  static final class RecordingSink implements EventSink {
    final Queue<ProducerRecord<String, byte[]>> records = new ConcurrentLinkedQueue<>();

    @Override
    public CompletionStage<?> send(ProducerRecord<String, byte[]> record) {
      records.add(record);
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Acknowledges nothing until released. */
  static final class StallingSink implements EventSink {
    final Queue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean released;

    @Override
    public synchronized CompletionStage<?> send(ProducerRecord<String, byte[]> record) {
      calls.incrementAndGet();
      if (released) return CompletableFuture.completedFuture(null);
      var ack = new CompletableFuture<Void>();
      pending.add(ack);
      return ack;
    }

    synchronized void release() {
      released = true;
      pending.forEach(ack -> ack.complete(null));
    }
  }

  private static SimulatorSettings settings(int maxInFlight) {
    return new SimulatorSettings(false, "demo", List.of("c1", "c2"), 600, 42, 200, 0.01, maxInFlight, "",
        SimulatorSettings.DEFAULT_ORGANIZATION_ID_PATTERN);
  }

  private static Simulator simulator(EventSink sink) {
    return simulator(sink, 64);
  }

  private static Simulator simulator(EventSink sink, int maxInFlight) {
    return new Simulator(testKit.system(), sink, TOPIC, settings(maxInFlight), Clock.systemUTC());
  }

  private static SimulationRequest request(Simulator simulator, String json) {
    try {
      var result = simulator.validate(Json.MAPPER.readTree(json));
      assertThat(result).isInstanceOf(RequestValidation.Valid.class);
      return ((RequestValidation.Valid) result).request();
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Simulator.Outcome run(Simulator simulator, String json) {
    return simulator.handle(request(simulator, json)).toCompletableFuture().join();
  }

  private static String start(int eventsPerMinute, String extra) {
    return "{\"action\":\"start\",\"organizationId\":\"acme\",\"campaignIds\":[\"c1\",\"c2\"],\"options\":{\"eventsPerMinute\":"
        + eventsPerMinute + extra + "}}";
  }

  private static final String BURST = "{\"action\":\"burst\",\"organizationId\":\"acme\",\"campaignIds\":[\"c1\"],\"options\":{\"count\":%d}}";

  @Test
  void aBurstSendsExactlyCountValidEvents() {
    var sink = new RecordingSink();
    var outcome = run(simulator(sink), BURST.formatted(250));
    assertThat(outcome).isEqualTo(new Simulator.Sent(SimulationRequest.Action.BURST, 250, 0, null, List.of()));
    assertThat(sink.records).hasSize(250);
    var parser = SimulationFixtures.parser(Instant.now().plusSeconds(60));
    for (var record : sink.records) {
      assertThat(record.topic()).isEqualTo(TOPIC);
      var parsed = parser.parse(record.value(), Instant.now());
      assertThat(parsed).isInstanceOf(EventParser.Valid.class);
      var event = ((EventParser.Valid) parsed).event();
      assertThat(record.key()).isEqualTo(event.partitionKey()).startsWith("acme|");
      assertThat(record.timestamp()).isEqualTo(event.timestamp().toEpochMilli());
    }
  }

  @Test
  void aJourneySendsOneUsersWholeFunnelInOrder() {
    var sink = new RecordingSink();
    var outcome = run(simulator(sink), "{\"action\":\"journey\",\"organizationId\":\"acme\",\"campaignIds\":[\"c1\"]}");
    var sent = (Simulator.Sent) outcome;
    assertThat(sent.events()).containsSubsequence("impression", "click", "page_view", "add_to_cart", "begin_checkout", "purchase", "conversion");
    assertThat(sent.sent()).isEqualTo(sent.events().size()).isEqualTo(sink.records.size());
    assertThat(sink.records).extracting(ProducerRecord::key).containsOnly("acme|" + sent.userId());
    var times = sink.records.stream().map(ProducerRecord::timestamp).toList();
    assertThat(times).isSorted();
  }

  @Test
  void startRunsUntilStopAndStopStopsTheSends() {
    var sink = new RecordingSink();
    var simulator = simulator(sink);
    var started = (Simulator.Started) run(simulator, start(6_000, ""));
    assertThat(started.replaced()).isFalse();
    assertThat(started.status().running()).isTrue();
    assertThat(started.status().mode()).isEqualTo("continuous");
    assertThat(started.status().options().eventsPerMinute()).isEqualTo(6_000);
    await().atMost(WAIT).until(() -> simulator.status().eventsSent() >= 20);

    var stopped = (Simulator.Stopped) run(simulator, "{\"action\":\"stop\"}");
    assertThat(stopped.wasRunning()).isTrue();
    assertThat(stopped.status().running()).isFalse();
    assertThat(stopped.status().endedAt()).isNotNull();
    assertThat(started.completion().toCompletableFuture()).isCompleted();
    var sentAtStop = sink.records.size();
    assertThat(stopped.status().eventsSent()).isEqualTo(sentAtStop);
    await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> sink.records.size() == sentAtStop);
    assertThat(((Simulator.Stopped) run(simulator, "{\"action\":\"stop\"}")).wasRunning()).isFalse();
  }

  @Test
  void aSecondStartReplacesTheRunningOne() {
    var sink = new RecordingSink();
    var simulator = simulator(sink);
    var first = (Simulator.Started) run(simulator, start(6_000, ""));
    var second = (Simulator.Started) run(simulator, start(3_000, ""));
    assertThat(second.replaced()).isTrue();
    assertThat(first.completion().toCompletableFuture()).succeedsWithin(WAIT);
    assertThat(simulator.status().running()).isTrue();
    assertThat(simulator.status().options().eventsPerMinute()).isEqualTo(3_000);
    run(simulator, "{\"action\":\"stop\"}");
    assertThat(second.completion().toCompletableFuture()).isCompleted();
    assertThat(simulator.status().running()).isFalse();
  }

  @Test
  void aRunWithADurationEndsByItself() {
    var sink = new RecordingSink();
    var simulator = simulator(sink);
    var started = (Simulator.Started) run(simulator, start(6_000, ",\"duration\":0.005"));
    assertThat(started.completion().toCompletableFuture()).succeedsWithin(WAIT);
    var status = simulator.status();
    assertThat(status.running()).isFalse();
    assertThat(status.mode()).isEqualTo("continuous");
    assertThat(status.eventsSent()).isPositive().isEqualTo(sink.records.size());
  }

  @Test
  void sendsAwaitingAcknowledgementNeverExceedTheLimit() {
    var sink = new StallingSink();
    var simulator = simulator(sink, 16);
    var burst = simulator.handle(request(simulator, BURST.formatted(1_000)));
    await().atMost(WAIT).until(() -> sink.calls.get() == 16);
    await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> sink.calls.get() == 16);
    assertThat(burst.toCompletableFuture()).isNotDone();
    sink.release();
    assertThat(burst.toCompletableFuture()).succeedsWithin(WAIT)
        .isEqualTo(new Simulator.Sent(SimulationRequest.Action.BURST, 1_000, 0, null, List.of()));
  }

  @Test
  void failedSendsAreCountedAndTheBurstGoesOn() {
    var calls = new AtomicInteger();
    EventSink flaky = record -> {
      var n = calls.incrementAndGet();
      if (n % 5 == 0) throw new IllegalStateException("producer closed");
      if (n % 3 == 0) return CompletableFuture.failedFuture(new RuntimeException("broker unavailable"));
      return CompletableFuture.completedFuture(null);
    };
    var simulator = simulator(flaky);
    var sent = (Simulator.Sent) run(simulator, BURST.formatted(30));
    // of 30 calls, 6 throw and 8 more fail (multiples of 3 that are not multiples of 5)
    assertThat(sent.sent()).isEqualTo(16);
    assertThat(sent.failed()).isEqualTo(14);
    assertThat(simulator.status().totalEventsFailed()).isEqualTo(14);
  }

  @Test
  void aReplaySendsEveryRowOfTheFileThenEnds(@TempDir Path dir) throws IOException {
    var lines = new ArrayList<>(Files.readAllLines(TestData.GA4_SAMPLE).subList(0, 50));
    lines.add(7, "this line is no GA4 row");
    var file = Files.write(dir.resolve("rows.ndjson"), lines);
    var sink = new RecordingSink();
    var simulator = simulator(sink);
    var started = (Simulator.Started) run(simulator,
        "{\"action\":\"replay\",\"organizationId\":\"acme\",\"options\":{\"file\":\"" + file + "\",\"speed\":1000000}}");
    assertThat(started.status().mode()).isEqualTo("replay");
    assertThat(started.completion().toCompletableFuture()).succeedsWithin(WAIT);
    assertThat(sink.records).hasSize(50);
    var status = simulator.status();
    assertThat(status.running()).isFalse();
    assertThat(status.eventsSent()).isEqualTo(50);
    assertThat(status.rowsSkipped()).isEqualTo(1);
    assertThat(sink.records.peek().timestamp()).isEqualTo(status.startedAt().toEpochMilli());
    assertThat(sink.records.stream().map(ProducerRecord::timestamp).toList()).isSorted();
    assertThat(sink.records).allSatisfy(r -> assertThat(r.key()).startsWith("acme|"));
  }

  @Test
  void aReplayWhoseFileVanishedEndsWithTheReasonInTheStatus(@TempDir Path dir) throws IOException {
    var file = Files.writeString(dir.resolve("gone.ndjson"), "{}\n");
    var simulator = simulator(new RecordingSink());
    var request = request(simulator, "{\"action\":\"replay\",\"organizationId\":\"acme\",\"options\":{\"file\":\"" + file + "\"}}");
    Files.delete(file);
    var started = (Simulator.Started) simulator.handle(request).toCompletableFuture().join();
    assertThat(started.completion().toCompletableFuture()).succeedsWithin(WAIT);
    var status = simulator.status();
    assertThat(status.running()).isFalse();
    assertThat(status.mode()).isEqualTo("replay");
    assertThat(status.failure()).contains("gone.ndjson");
    assertThat(status.eventsSent()).isZero();
  }

  @Test
  void shutdownStopsTheRunAndRefusesNewOnes() {
    var sink = new RecordingSink();
    var simulator = simulator(sink);
    var started = (Simulator.Started) run(simulator, start(6_000, ""));
    assertThat(simulator.shutdown().toCompletableFuture()).succeedsWithin(WAIT);
    assertThat(started.completion().toCompletableFuture()).isCompleted();
    assertThat(simulator.status().running()).isFalse();
    assertThat(run(simulator, BURST.formatted(10))).isInstanceOf(Simulator.Refused.class);
    assertThat(run(simulator, start(60, ""))).isInstanceOf(Simulator.Refused.class);
  }

  @Test
  void theConfiguredDemoRunStarts() {
    var sink = new RecordingSink();
    var simulator = new Simulator(testKit.system(), sink, TOPIC, SimulatorSettings.defaults(), Clock.systemUTC());
    assertThat(simulator.startDemo()).isInstanceOf(Simulator.Started.class);
    await().atMost(WAIT).until(() -> !sink.records.isEmpty());
    assertThat(simulator.status().organizationId()).isEqualTo("demo");
    assertThat(simulator.shutdown().toCompletableFuture()).succeedsWithin(WAIT);
  }
}
