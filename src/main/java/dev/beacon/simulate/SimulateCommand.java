package dev.beacon.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Json;
import dev.beacon.ingest.EventProducer;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code java -jar beacon.jar simulate …}: simulated traffic into a running Beacon's Kafka
 * through the same idempotent producer Beacon uses, with a progress line every few seconds.
 * Exit status 0 when every event was written, 1 when some were not or Kafka was unreachable,
 * 2 for bad arguments.
 */
public final class SimulateCommand {
  static final String USAGE = """
      Usage: java -jar beacon.jar simulate --bootstrap HOST:PORT --organization ORG --campaigns a,b,c [options]

      Writes simulated ad events and GA4 rows to a running Beacon's Kafka topic.

        --bootstrap HOST:PORT   Kafka bootstrap servers (required)
        --topic NAME            topic to write to (default beacon.events)
        --organization ORG      organisation id (required)
        --campaigns a,b,c       campaign ids (required except for replay)
        --mode MODE             continuous (default), burst, journey or replay
        --rate N                continuous: events per minute (default 600)
        --duration MIN          continuous: minutes to run (default: until Ctrl-C)
        --impression-rate R, --click-rate R, --conversion-rate R
                                continuous, burst: shares of ad event types (default 0.7, 0.25, 0.05)
        --count N               burst: number of events (default 100)
        --file F                replay: a GA4 export, one JSON row per line
        --speed X               replay: divide the file's spacing by X (default 1)
        --seed S                seed of the traffic model (default 42)
        --users N               users per organisation (default 5000)
      """;
  private static final Map<String, String> OPTION_FLAGS = Map.of(
      "--rate", "eventsPerMinute", "--duration", "duration", "--count", "count", "--speed", "speed",
      "--seed", "seed", "--users", "users", "--impression-rate", "impressionRate", "--click-rate", "clickRate",
      "--conversion-rate", "conversionRate");
  private static final List<String> OTHER_FLAGS = List.of("--bootstrap", "--topic", "--organization", "--campaigns",
      "--mode", "--file");
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

  private SimulateCommand() {}

  /** Runs the command with the arguments after {@code simulate}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    var flags = new HashMap<String, String>();
    var problems = new ArrayList<String>();
    var list = new ArrayList<>(Arrays.asList(args));
    if (!list.isEmpty() && list.get(0).equals("simulate")) list.remove(0);
    for (int i = 0; i < list.size(); i++) {
      var arg = list.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        out.print(USAGE);
        return 0;
      }
      var eq = arg.indexOf('=');
      var flag = eq > 0 ? arg.substring(0, eq) : arg;
      if (!OPTION_FLAGS.containsKey(flag) && !OTHER_FLAGS.contains(flag)) {
        problems.add(arg + ": unknown argument");
      } else if (eq > 0) {
        flags.put(flag, arg.substring(eq + 1));
      } else if (i + 1 < list.size()) {
        flags.put(flag, list.get(++i));
      } else {
        problems.add(flag + ": needs a value");
      }
    }
    var bootstrap = flags.getOrDefault("--bootstrap", "");
    if (bootstrap.isBlank()) problems.add("--bootstrap: required (the Kafka of a running Beacon, HOST:PORT)");
    var body = body(flags, problems);
    if (!problems.isEmpty()) return usage(err, problems);
    var settings = SimulatorSettings.defaults();
    var checked = RequestValidation.validate(body, settings, RequestValidation.LOCAL_FILES);
    if (checked instanceof RequestValidation.Invalid invalid) return usage(err, invalid.reasons());
    var request = ((RequestValidation.Valid) checked).request();
    var topic = flags.getOrDefault("--topic", "beacon.events");
    if (!topicExists(bootstrap, topic, err)) return 1;
    return simulate(request, bootstrap, topic, settings, out, err);
  }

  private static ObjectNode body(Map<String, String> flags, List<String> problems) {
    var body = Json.MAPPER.createObjectNode();
    var mode = flags.getOrDefault("--mode", "continuous");
    switch (mode) {
      case "continuous" -> body.put("action", "start");
      case "burst", "journey", "replay" -> body.put("action", mode);
      default -> problems.add("--mode: unknown mode '" + mode + "' (continuous, burst, journey, replay)");
    }
    if (flags.containsKey("--organization")) body.put("organizationId", flags.get("--organization"));
    if (flags.containsKey("--campaigns")) {
      var campaigns = body.putArray("campaignIds");
      for (var id : flags.get("--campaigns").split(",")) {
        if (!id.isBlank()) campaigns.add(id.trim());
      }
    }
    var options = body.putObject("options");
    if (flags.containsKey("--file")) options.put("file", flags.get("--file"));
    for (var entry : OPTION_FLAGS.entrySet()) {
      var text = flags.get(entry.getKey());
      if (text == null) continue;
      try {
        options.set(entry.getValue(), number(text.trim()));
      } catch (NumberFormatException e) {
        problems.add(entry.getKey() + ": must be a number, got '" + text + "'");
      }
    }
    if (!options.has("seed")) options.put("seed", SimulatorSettings.defaults().seed());
    return body;
  }

  /** A whole number stays whole (seeds are 64-bit), anything else is read exactly as a decimal. */
  private static JsonNode number(String text) {
    var factory = Json.MAPPER.getNodeFactory();
    try {
      return factory.numberNode(Long.parseLong(text));
    } catch (NumberFormatException notWhole) {
      return factory.numberNode(new BigDecimal(text));
    }
  }

  private static int usage(PrintStream err, List<String> problems) {
    problems.forEach(p -> err.println("simulate: " + p));
    err.println();
    err.print(USAGE);
    return 2;
  }

  private static boolean topicExists(String bootstrap, String topic, PrintStream err) {
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
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

  private static int simulate(SimulationRequest request, String bootstrap, String topic, SimulatorSettings settings,
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
    try (var producer = new EventProducer(bootstrap)) {
      var simulator = new Simulator(system, producer::send, topic, settings, Clock.systemUTC());
      out.println(describe(request, topic, bootstrap));
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
