package dev.beacon.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.BeaconConfig;
import dev.beacon.common.CommandLines;
import dev.beacon.common.Json;
import dev.beacon.ingest.EventProducer;
import dev.beacon.ingest.KafkaSettings;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code java -jar beacon.jar simulate …}: simulated traffic into a running Beacon's Kafka
 * through the same idempotent producer Beacon uses, with a progress line every few seconds.
 * Exit status 0 when every event was written, 1 when some were not or Kafka was unreachable,
 * 2 for bad arguments.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
    customSynopsis = {"java -jar beacon.jar simulate --bootstrap HOST:PORT --organization ORG --campaigns a,b,c",
        "           [options]"},
    description = "Writes simulated ad events and GA4 rows to a running Beacon's Kafka topic.")
public final class SimulateCommand implements Callable<Integer> {
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  @Spec
  private CommandSpec spec;
  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (required)")
  private String bootstrap = "";
  @Option(names = "--topic", paramLabel = "NAME", description = "topic to write to (default ${DEFAULT-VALUE})")
  private String topic = "beacon.events";
  @Option(names = "--organization", paramLabel = "ORG", description = "organisation id (required)")
  private String organization;
  @Option(names = "--campaigns", paramLabel = "a,b,c", description = "campaign ids (required except for replay)")
  private String campaigns;
  @Option(names = "--mode", paramLabel = "MODE", converter = Mode.Converter.class,
      description = "continuous (default), burst, journey or replay")
  private Mode mode = Mode.CONTINUOUS;
  @Option(names = "--rate", paramLabel = "N", description = "continuous: events per minute (default 600)")
  private Long eventsPerMinute;
  @Option(names = "--duration", paramLabel = "MIN", description = "continuous: minutes to run (default: until Ctrl-C)")
  private BigDecimal duration;
  @Option(names = "--impression-rate", paramLabel = "R", description = "continuous, burst: share of impressions (default 0.7)")
  private BigDecimal impressionRate;
  @Option(names = "--click-rate", paramLabel = "R", description = "continuous, burst: share of clicks (default 0.25)")
  private BigDecimal clickRate;
  @Option(names = "--conversion-rate", paramLabel = "R", description = "continuous, burst: share of conversions (default 0.05)")
  private BigDecimal conversionRate;
  @Option(names = "--count", paramLabel = "N", description = "burst: number of events (default 100)")
  private Long count;
  @Option(names = "--file", paramLabel = "F", description = "replay: a GA4 export, one JSON row per line")
  private Path file;
  @Option(names = "--speed", paramLabel = "X", description = "replay: divide the file's spacing by X (default 1)")
  private BigDecimal speed;
  @Option(names = "--seed", paramLabel = "S", description = "seed of the traffic model (default 42)")
  private Long seed;
  @Option(names = "--users", paramLabel = "N", description = "users per organisation (default 5000)")
  private Long users;
  private final PrintStream out;
  private final PrintStream err;

  private SimulateCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command with the arguments after {@code simulate}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandLines.execute(SimulateCommand.class, args, out, err);
  }

  @Override
  public Integer call() {
    if (bootstrap.isBlank()) {
      return CommandLines.badUsage(spec, List.of("--bootstrap: required (the Kafka of a running Beacon, HOST:PORT)"));
    }
    var settings = SimulatorSettings.defaults();
    var checked = RequestValidation.validate(body(), settings, RequestValidation.LOCAL_FILES);
    if (checked instanceof RequestValidation.Invalid invalid) return CommandLines.badUsage(spec, invalid.reasons());
    var request = ((RequestValidation.Valid) checked).request();
    // the client properties (SASL, TLS) of Beacon's configuration, at the servers given
    var kafka = KafkaSettings.from(BeaconConfig.load().getConfig("beacon.kafka")).withBootstrapServers(bootstrap);
    if (!topicExists(kafka, topic, err)) return 1;
    return simulate(request, kafka, topic, settings, out, err);
  }

  /** The simulator's request body, as the HTTP API takes it: its validation applies to both. */
  private ObjectNode body() {
    var body = Json.MAPPER.createObjectNode().put("action", mode.action);
    if (organization != null) body.put("organizationId", organization);
    if (campaigns != null) {
      var ids = body.putArray("campaignIds");
      for (var id : campaigns.split(",")) {
        if (!id.isBlank()) ids.add(id.trim());
      }
    }
    // An option not given is null, which the validation reads as absent.
    body.putObject("options")
        .put("file", file == null ? null : file.toString())
        .put("eventsPerMinute", eventsPerMinute)
        .put("duration", duration)
        .put("impressionRate", impressionRate)
        .put("clickRate", clickRate)
        .put("conversionRate", conversionRate)
        .put("count", count)
        .put("speed", speed)
        .put("seed", seed == null ? SimulatorSettings.defaults().seed() : seed)
        .put("users", users);
    return body;
  }

  /** The kinds of run, each the simulator action it asks for. */
  enum Mode {
    CONTINUOUS("start"), BURST("burst"), JOURNEY("journey"), REPLAY("replay");

    final String action;

    Mode(String action) {
      this.action = action;
    }

    /** The lower-case names the usage gives. */
    static final class Converter implements ITypeConverter<Mode> {
      @Override
      public Mode convert(String text) {
        for (var mode : values()) {
          if (mode.name().toLowerCase(Locale.ROOT).equals(text)) return mode;
        }
        throw new TypeConversionException("unknown mode '" + text + "' (continuous, burst, journey, replay)");
      }
    }
  }

  private static boolean topicExists(KafkaSettings kafka, String topic, PrintStream err) {
    var bootstrap = kafka.bootstrapServers();
    try (var admin = Admin.create(kafka.clientConfig(Map.of(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)))) {
      if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) return true;
      err.println("simulate: no topic " + topic + " at " + bootstrap + " (Beacon creates it when it starts; is it running?)");
      return false;
    } catch (ExecutionException | TimeoutException e) {
      err.println("simulate: cannot reach Kafka at " + bootstrap + ": " + (e.getCause() != null ? e.getCause() : e));
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int simulate(SimulationRequest request, KafkaSettings kafka, String topic, SimulatorSettings settings,
      PrintStream out, PrintStream err) {
    var config = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.stdout-loglevel = WARNING
        pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
        pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
        pekko.actor.provider = local
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        """).withFallback(ConfigFactory.defaultReference()).resolve();
    var system = ActorSystem.create(Behaviors.empty(), "beacon-simulate", config);
    try (var producer = new EventProducer(kafka)) {
      var simulator = new Simulator(system, producer::send, topic, settings, Clock.systemUTC());
      out.println(describe(request, topic, kafka.bootstrapServers()));
      var started = System.nanoTime();
      var progress = system.scheduler().scheduleAtFixedRate(PROGRESS_EVERY, PROGRESS_EVERY,
          () -> out.println(progress(simulator.status(), started)), system.executionContext());
      var hook = new Thread(() -> simulator.shutdown().toCompletableFuture().join(), "simulate-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        var outcome = simulator.handle(request).toCompletableFuture().join();
        if (outcome instanceof Simulator.Started run) run.completion().toCompletableFuture().join();
        if (outcome instanceof Simulator.Sent sent && sent.userId() != null) {
          out.println("Journey of " + sent.userId() + ": " + String.join(" → ", sent.events()));
        }
      } finally {
        progress.cancel();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // Ctrl-C: the hook is already stopping the run
        }
      }
      var status = simulator.status();
      out.println("Done: " + status.totalEventsSent() + " events sent to " + topic + ", " + status.totalEventsFailed() + " failed.");
      return status.totalEventsFailed() > 0 ? 1 : 0;
    } catch (RuntimeException e) {
      err.println("simulate: " + e);
      return 1;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
    }
  }

  private static String describe(SimulationRequest request, String topic, String bootstrap) {
    var o = request.options();
    var what = switch (request.action()) {
      case START -> o.eventsPerMinute() + " events/min of continuous traffic"
          + (o.duration() == null ? " until Ctrl-C" : " for " + o.duration() + " min");
      case BURST -> "a burst of " + o.count() + " events";
      case JOURNEY -> "one complete user journey";
      case REPLAY -> "a replay of " + o.file() + " at speed " + o.speed();
      case STOP -> "nothing";
    };
    var campaigns = request.campaignIds().isEmpty() ? "" : " (campaigns " + String.join(", ", request.campaignIds()) + ")";
    return "Simulating " + what + " for " + request.organizationId() + campaigns + " into " + topic + " at " + bootstrap;
  }

  private static String progress(Simulator.Status status, long startedNanos) {
    var seconds = (System.nanoTime() - startedNanos) / 1_000_000_000L;
    return String.format("%5d s  sent %d  failed %d  %.1f events/s", seconds, status.totalEventsSent(),
        status.totalEventsFailed(), status.currentRate());
  }
}
