package dev.beacon.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import dev.beacon.common.RateMeter;
import dev.beacon.simulate.SimulationRequest.Action;
import dev.beacon.simulate.SimulationRequest.Options;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the simulator: at most one long run at a time (continuous traffic or a replay), which a
 * new start or replay replaces, plus any number of one-shot bursts and journeys. Every run is a
 * Pekko stream into the {@link EventSink} with at most {@code maxInFlight} sends awaiting their
 * acknowledgement, so a slow broker slows the run and nothing queues without bound. A failed
 * send is counted and logged, and the run goes on. {@link #shutdown()} stops every run, lets
 * the sends in flight finish, and refuses new runs.
 */
final class Simulator {
  private static final Logger log = LoggerFactory.getLogger(Simulator.class);
  /** How long stop and shutdown wait for the sends in flight. */
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final EventSink sink;
  private final String topic;
  private final SimulatorSettings settings;
  private final Clock clock;
  private final TrafficSources sources;
  private final SharedKillSwitch shutdownSwitch = KillSwitches.shared("simulator-shutdown");
  private final RateMeter meter = new RateMeter(5);
  private final AtomicLong totalSent = new AtomicLong();
  private final AtomicLong totalFailed = new AtomicLong();
  private final Set<CompletableFuture<Done>> inProgress = ConcurrentHashMap.newKeySet();
  private long nextSeed;
  private Run current;
  private Run last;
  private boolean closed;

  public Simulator(ActorSystem<?> system, EventSink sink, String topic, SimulatorSettings settings, Clock clock) {
    this.system = system;
    this.sink = sink;
    this.topic = topic;
    this.settings = settings;
    this.clock = clock;
    this.sources = new TrafficSources(system, clock);
    this.nextSeed = settings.seed();
  }

  /** What a request came to. */
  public sealed interface Outcome permits Started, Stopped, Sent, Refused {}

  /** A long run began; {@code completion} completes when it has ended and its sends are done. */
  public record Started(Action action, boolean replaced, Status status, CompletionStage<Done> completion) implements Outcome {}

  public record Stopped(boolean wasRunning, Status status) implements Outcome {}

  /** A burst or journey was sent; {@code events} names the journey's events in order. */
  public record Sent(Action action, long sent, long failed, String userId, List<String> events) implements Outcome {}

  public record Refused(String reason) implements Outcome {}

  /**
   * What the simulator is doing: the long run in progress, else the last one, and totals over all
   * runs (bursts and journeys included).
   *
   * @param mode continuous or replay; null before the first run
   * @param currentRate events acknowledged per second over the last five seconds, all runs together
   * @param failure why the run ended early, or null
   */
  public record Status(boolean running, String mode, long eventsSent, long eventsFailed, long rowsSkipped,
      double currentRate, Instant startedAt, Instant endedAt, String failure, String organizationId,
      List<String> campaignIds, Options options, long totalEventsSent, long totalEventsFailed) {}

  /** Checks a request body against this simulator's settings and the local files. */
  public RequestValidation.Result validate(JsonNode body) {
    return RequestValidation.validate(body, settings, RequestValidation.LOCAL_FILES);
  }

  /** Starts the configured demo run; a configuration that does not validate fails here, at boot. */
  public Outcome startDemo() {
    var result = validate(settings.demoBody());
    if (result instanceof RequestValidation.Invalid invalid) {
      throw new IllegalArgumentException("beacon.simulator: " + String.join("; ", invalid.reasons()));
    }
    return begin(((RequestValidation.Valid) result).request());
  }

  public CompletionStage<Outcome> handle(SimulationRequest request) {
    return switch (request.action()) {
      case START, REPLAY -> CompletableFuture.completedFuture(begin(request));
      case STOP -> stop();
      case BURST, JOURNEY -> oneShot(request);
    };
  }

  /** Stops the long run, if any; completes once its sends in flight are done (or after a wait). */
  public CompletionStage<Outcome> stop() {
    Run run;
    synchronized (this) {
      run = current;
    }
    if (run == null) return CompletableFuture.completedFuture(new Stopped(false, status()));
    log.info("Stopping the simulator's {} run", run.modeName());
    run.killSwitch.shutdown();
    return run.ended.copy().completeOnTimeout(Done.getInstance(), DRAIN_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(done -> new Stopped(true, status()));
  }

  public synchronized Status status() {
    var run = current != null ? current : last;
    var rate = Math.round(meter.perSecond(clock.millis()) * 10) / 10.0;
    if (run == null) {
      return new Status(false, null, 0, 0, 0, rate, null, null, null, null, List.of(), null, totalSent.get(), totalFailed.get());
    }
    return new Status(run == current, run.modeName(), run.sent.get(), run.failed.get(), run.skipped.get(), rate,
        run.startedAt, run.endedAt, run.failure, run.request.organizationId(), run.request.campaignIds(),
        run.request.options(), totalSent.get(), totalFailed.get());
  }

  /** Stops every run and refuses new ones; completes when their sends in flight are done (or after a wait). */
  public CompletionStage<Done> shutdown() {
    synchronized (this) {
      closed = true;
    }
    shutdownSwitch.shutdown();
    return CompletableFuture.allOf(inProgress.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, DRAIN_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(v -> Done.getInstance());
  }

  private synchronized Outcome begin(SimulationRequest request) {
    if (closed) return new Refused("the simulator is shutting down");
    var previous = current;
    if (previous != null) previous.killSwitch.shutdown();
    var run = new Run(request, clock.instant());
    var events = request.action() == Action.REPLAY
        ? sources.replay(request, run.startedAt, reason -> skipped(run, reason))
        : sources.continuous(request, seed(request), run.startedAt);
    // current before launch: a run that ends at once (an empty file) then clears it again
    current = run;
    launch(events, run, settings.maxInFlight());
    log.info("Simulator {} run started for organisation {} {}: {}", run.modeName(), request.organizationId(),
        request.campaignIds(), request.options());
    return new Started(request.action(), previous != null, status(), run.ended);
  }

  private CompletionStage<Outcome> oneShot(SimulationRequest request) {
    Run run;
    long seed;
    synchronized (this) {
      if (closed) return CompletableFuture.completedFuture(new Refused("the simulator is shutting down"));
      run = new Run(request, clock.instant());
      seed = seed(request);
    }
    if (request.action() == Action.BURST) {
      launch(sources.burst(request, seed, run.startedAt), run, settings.maxInFlight());
      return run.ended.thenApply(done -> new Sent(Action.BURST, run.sent.get(), run.failed.get(), null, List.of()));
    }
    var journey = sources.journey(request, seed, run.startedAt);
    // a journey goes out one event after the other, so that any sink keeps its order
    launch(Source.from(journey), run, 1);
    var userId = journey.get(0).key().substring(request.organizationId().length() + 1);
    var names = journey.stream().map(Simulator::name).toList();
    return run.ended.thenApply(done -> new Sent(Action.JOURNEY, run.sent.get(), run.failed.get(), userId, names));
  }

  /** The request's seed, else the next of the simulator's own: a server's runs are reproducible as a whole. */
  private long seed(SimulationRequest request) {
    return request.options().seed() != null ? request.options().seed() : nextSeed++;
  }

  private void launch(Source<SimulatedEvent, NotUsed> events, Run run, int parallelism) {
    inProgress.add(run.ended);
    var materialized = events
        .viaMat(KillSwitches.single(), Keep.right())
        .via(shutdownSwitch.flow())
        .mapAsyncUnordered(parallelism, event -> send(event, run))
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    run.killSwitch = materialized.first();
    materialized.second().whenComplete((done, error) -> finished(run, error));
  }

  private CompletionStage<Done> send(SimulatedEvent event, Run run) {
    CompletionStage<?> ack;
    try {
      ack = sink.send(event.toRecord(topic));
    } catch (RuntimeException e) {
      ack = CompletableFuture.failedFuture(e);
    }
    return ack.handle((ok, error) -> {
      if (error == null) {
        run.sent.incrementAndGet();
        totalSent.incrementAndGet();
        meter.record(clock.millis());
      } else {
        var failed = run.failed.incrementAndGet();
        totalFailed.incrementAndGet();
        // one line per power of ten: a broker outage must not flood the log
        if (Long.toString(failed).matches("10*")) {
          log.warn("Simulator could not write to {} ({} failed in this {} run so far)", topic, failed, run.modeName(), error);
        }
      }
      return Done.getInstance();
    });
  }

  private void skipped(Run run, String reason) {
    if (run.skipped.incrementAndGet() <= 5) log.warn("Simulator replay of {} skips a line: {}", run.request.options().file(), reason);
  }

  private void finished(Run run, Throwable error) {
    synchronized (this) {
      run.endedAt = clock.instant();
      if (error != null) run.failure = String.valueOf(error.getMessage() != null ? error.getMessage() : error);
      if (current == run) {
        current = null;
        last = run;
      } else if (current == null && (run.mode == Action.START || run.mode == Action.REPLAY)) {
        last = run;
      }
    }
    if (error != null) log.error("Simulator {} run failed after {} events", run.modeName(), run.sent.get(), error);
    else if (run.mode == Action.START || run.mode == Action.REPLAY) {
      log.info("Simulator {} run ended: {} events sent, {} failed", run.modeName(), run.sent.get(), run.failed.get());
    }
    inProgress.remove(run.ended);
    run.ended.complete(Done.getInstance());
  }

  private static String name(SimulatedEvent event) {
    try {
      var node = Json.MAPPER.readTree(event.json());
      return node.has("eventType") ? node.get("eventType").asText() : node.path("event_name").asText();
    } catch (IOException e) {
      throw new IllegalStateException("the simulator writes JSON", e);
    }
  }

  private static final class Run {
    final SimulationRequest request;
    final Action mode;
    final Instant startedAt;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final CompletableFuture<Done> ended = new CompletableFuture<>();
    volatile Instant endedAt;
    volatile String failure;
    volatile UniqueKillSwitch killSwitch;

    Run(SimulationRequest request, Instant startedAt) {
      this.request = request;
      this.mode = request.action();
      this.startedAt = startedAt;
    }

    String modeName() {
      return TrafficSources.modeName(mode);
    }
  }
}
