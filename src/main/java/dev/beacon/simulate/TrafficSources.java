package dev.beacon.simulate;

import dev.beacon.simulate.SimulationRequest.Action;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;

/**
 * The event sources of the simulator's runs, each drawing lazily, one event per demand, so that
 * downstream backpressure reaches the generator: continuous traffic throttled to its rate, a
 * burst of exactly {@code count} events, one journey, and a replay that releases each row when
 * its shifted time comes.
 */
final class TrafficSources {
  /** About 20 s between two steps of one journey, at any rate, as on a real site. */
  private static final double SECONDS_BETWEEN_STEPS = 20;
  private final ActorSystem<?> system;
  private final Clock clock;

  TrafficSources(ActorSystem<?> system, Clock clock) {
    this.system = system;
    this.clock = clock;
  }

  /** A run's name in the status: continuous, burst, journey or replay. */
  static String modeName(Action action) {
    return action == Action.START ? "continuous" : action.wireName();
  }

  Source<SimulatedEvent, NotUsed> continuous(SimulationRequest request, long seed, Instant start) {
    var options = request.options();
    var concurrency = (int) Math.ceil(options.eventsPerMinute() / 60.0 * SECONDS_BETWEEN_STEPS);
    var model = model(request, Math.max(4, Math.min(5_000, concurrency)), seed, start);
    var events = Source.repeat(NotUsed.notUsed())
        .throttle(options.eventsPerMinute(), Duration.ofMinutes(1))
        .map(tick -> model.next(clock.instant()));
    return options.duration() == null ? events : events.takeWithin(Duration.ofMillis(Math.round(options.duration() * 60_000)));
  }

  Source<SimulatedEvent, NotUsed> burst(SimulationRequest request, long seed, Instant start) {
    var count = request.options().count();
    var model = model(request, Math.max(4, Math.min(2_000, count / 8)), seed, start);
    return Source.range(1, count).map(i -> model.next(clock.instant()));
  }

  /** One complete journey ending now: its events are all in the past, in order. */
  List<SimulatedEvent> journey(SimulationRequest request, long seed, Instant start) {
    return model(request, 1, seed, start).journey(start);
  }

  /** The file's rows moved to {@code start}, each released at its time; lines that are no rows go to {@code skipped}. */
  Source<SimulatedEvent, NotUsed> replay(SimulationRequest request, Instant start, Consumer<String> skipped) {
    var rows = new ReplayRows(request.organizationId(), start, request.options().speed());
    var file = Path.of(request.options().file());
    return StreamConverters.fromJavaStream(() -> Files.lines(file))
        .filter(line -> !line.isBlank())
        .map(rows::shift)
        .mapConcat(shifted -> {
          if (shifted instanceof ReplayRows.Row row) return List.of(row.event());
          skipped.accept(((ReplayRows.Skipped) shifted).reason());
          return List.<SimulatedEvent>of();
        })
        .mapAsync(1, this::whenDue);
  }

  private CompletionStage<SimulatedEvent> whenDue(SimulatedEvent event) {
    var wait = Duration.between(clock.instant(), event.time());
    if (wait.isNegative() || wait.isZero()) return CompletableFuture.completedFuture(event);
    return Patterns.after(wait, system.classicSystem().scheduler(), system.executionContext(),
        () -> CompletableFuture.completedFuture(event));
  }

  private static TrafficModel model(SimulationRequest request, int concurrency, long seed, Instant start) {
    var options = request.options();
    var mix = options.impressionRate() == null ? TrafficMix.DEFAULT : options.mix();
    var organization = new TrafficModel.Organization(request.organizationId(), request.campaignIds());
    return new TrafficModel(List.of(organization), mix, options.users(), concurrency, seed, start);
  }
}
