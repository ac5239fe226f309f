package dev.beacon.simulate;

import dev.beacon.security.Access;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator plugged into a server: its control routes, and the demo traffic from boot when
 * {@code beacon.simulator.enabled} is on. It sends through the server's own producer.
 */
public final class SimulatorFeature {
  private static final Logger log = LoggerFactory.getLogger(SimulatorFeature.class);
  private final Simulator simulator;
  private final SimulatorSettings settings;

  private SimulatorFeature(Simulator simulator, SimulatorSettings settings) {
    this.simulator = simulator;
    this.settings = settings;
  }

  /** Starts the simulator; its replay directory is made when missing (files to replay go there). */
  public static SimulatorFeature start(ActorSystem<?> system, SimulatorSettings settings, EventSink sink, String topic,
      Clock clock) {
    try {
      java.nio.file.Files.createDirectories(java.nio.file.Path.of(settings.replayDir()));
    } catch (java.io.IOException | RuntimeException e) {
      throw new dev.beacon.common.StartupFailure("replay directory " + settings.replayDir() + " cannot be made ("
          + e + "); make it a directory this user can write, or set BEACON_SIMULATOR_REPLAY_DIR", e);
    }
    return new SimulatorFeature(new Simulator(system, sink, topic, settings, clock), settings);
  }

  public Route routes(Access access) {
    return new SimulatorRoutes(simulator, access).routes();
  }

  /** Starts the demo traffic when the settings ask for it. */
  public void startDemo() {
    if (!settings.enabled()) return;
    simulator.startDemo();
    log.info("Simulator running for organisation {} at {} events/min (BEACON_SIMULATOR=off to disable)",
        settings.organizationId(), settings.eventsPerMinute());
  }

  /** Stops every run and waits for the sends in flight. */
  public CompletionStage<Done> shutdown() {
    return simulator.shutdown();
  }
}
