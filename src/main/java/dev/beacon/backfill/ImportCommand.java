package dev.beacon.backfill;

import dev.beacon.common.BeaconConfig;
import dev.beacon.common.CommandLines;
import dev.beacon.common.StartupFailure;
import dev.beacon.event.EventSettings;
import dev.beacon.ingest.EventProducer;
import dev.beacon.ingest.KafkaSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar beacon.jar import --ga4 FILE [--organization ORG]}: GA4 export rows (NDJSON,
 * gzip or not) into a running Beacon's events topic as an import ({@link Ga4Import}), with a
 * progress line every two seconds, each refused row on stderr (line number and reasons), and a
 * summary. Exit status 0 when every row was written or refused, 1 when Kafka is out of reach or
 * stops acknowledging or the file breaks off, 2 for bad arguments or a file that cannot be opened.
 */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
    customSynopsis = "java -jar beacon.jar import --ga4 FILE [--organization ORG] [--bootstrap HOST:PORT] [--topic NAME]",
    description = {
        "Imports history: GA4 BigQuery export rows, one JSON row per line (gzip accepted), through Kafka into a",
        "running Beacon. The rows keep their real dates (the retention window of live events does not apply",
        "to them); importing the same file again within the 72 h dedup window changes nothing."},
    footer = {"",
        "Kafka is the one Beacon's configuration names: BEACON_KAFKA_BOOTSTRAP, else the embedded broker of a "
            + "Beacon on this machine (127.0.0.1:BEACON_KAFKA_EMBEDDED_PORT, 9092)."})
public final class ImportCommand implements Callable<Integer> {
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  @Spec
  private CommandSpec spec;
  @Option(names = "--ga4", paramLabel = "FILE", required = true,
      description = "GA4 export rows, one JSON object per line; gzip-compressed or not")
  private Path file;
  @Option(names = "--organization", paramLabel = "ORG",
      description = "the organisation of every row (default: each row's organizationId, else its stream_id)")
  private String organization;
  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: as Beacon's)")
  private String bootstrap;
  @Option(names = "--topic", paramLabel = "NAME", description = "the events topic (default: as Beacon's, beacon.events)")
  private String topic;
  private final PrintStream out;
  private final PrintStream err;

  private ImportCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs with the arguments after the word {@code import}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandLines.execute(ImportCommand.class, args, out, err);
  }

  @Override
  public Integer call() {
    var config = BeaconConfig.load().getConfig("beacon");
    var events = EventSettings.from(config.getConfig("events"));
    var settings = ImportSettings.from(config.getConfig("import"));
    var kafka = KafkaSettings.from(config.getConfig("kafka"));
    if (organization != null) {
      var problem = Ga4Import.checkOrganization(organization, events);
      if (problem != null) return CommandLines.badUsage(spec, List.of("--organization: " + problem));
    }
    var target = kafka.withBootstrapServers(bootstrap != null ? bootstrap
        : kafka.embedded() ? "127.0.0.1:" + kafka.embeddedPort() : kafka.bootstrapServers());
    var topicName = topic != null ? topic : kafka.topic();
    InputStream input;
    try {
      input = Files.newInputStream(file);
    } catch (IOException e) {
      var why = e instanceof NoSuchFileException ? "no such file"
          : e instanceof AccessDeniedException ? "permission denied" : StartupFailure.rootReason(e);
      err.println("Beacon cannot import: " + file + " cannot be read (" + why + ")");
      return CommandLines.BAD_USAGE;
    }
    try (input) {
      checkKafka(target, topicName);
      return importFile(input, target, topicName, events, settings);
    } catch (StartupFailure e) {
      err.println("Beacon cannot import: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("Beacon cannot import: " + file + " could not be read to its end (" + StartupFailure.rootReason(e)
          + "); the rows before were written, and importing the file again counts each once");
      return 1;
    } catch (Ga4Import.KafkaFailure e) {
      err.println("Beacon cannot import: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("Beacon cannot import: interrupted");
      return 1;
    }
  }

  private int importFile(InputStream input, KafkaSettings kafka, String topicName, EventSettings events,
      ImportSettings settings) throws IOException, Ga4Import.KafkaFailure, InterruptedException {
    var org = organization == null ? "the rows' own organisations" : organization;
    out.println("Importing GA4 rows of " + file + " for " + org + " into " + topicName + " at " + kafka.bootstrapServers());
    var started = System.nanoTime();
    var timer = Executors.newSingleThreadScheduledExecutor(r -> {
      var thread = new Thread(r, "import-progress");
      thread.setDaemon(true);
      return thread;
    });
    try (var producer = new EventProducer(kafka);
        var lines = NdjsonLines.open(input, events.maxEventBytes(), Long.MAX_VALUE)) {
      var run = new Ga4Import(events, producer, topicName, organization, settings.maxInFlight(),
          settings.allowedLateness(), Clock.systemUTC());
      timer.scheduleAtFixedRate(() -> out.println(progress(run.counts(), started)),
          PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      var counts = run.run(lines, (line, reasons) -> err.println("line " + line + ": " + String.join("; ", reasons)));
      timer.shutdownNow();
      var seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
      out.printf("Done: %,d rows read, %,d written to %s, %,d refused, in %.1f s (%,.0f rows/s). "
              + "Beacon applies them as it reads the topic.%n",
          counts.read(), counts.produced(), topicName, counts.refused(), seconds, counts.read() / seconds);
      if (counts.outOfOrder() > 0) out.println("Note: " + Ga4Import.outOfOrder(counts.outOfOrder(), settings.allowedLateness()));
      return 0;
    } finally {
      timer.shutdownNow();
    }
  }

  private static String progress(Ga4Import.Counts counts, long startedNanos) {
    var seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    return String.format("%5.0f s  read %,d  written %,d  refused %,d  %,.0f rows/s", seconds, counts.read(),
        counts.produced(), counts.refused(), counts.read() / seconds);
  }

  /** Kafka answers and has the topic: else one line says what to do. */
  private static void checkKafka(KafkaSettings kafka, String topicName) throws InterruptedException {
    var servers = kafka.bootstrapServers();
    var timeout = kafka.startupTimeout();
    var millis = (int) timeout.toMillis();
    try (var admin = Admin.create(kafka.clientConfig(Map.of(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis)))) {
      var topics = admin.listTopics().names().get(millis + 1_000L, TimeUnit.MILLISECONDS);
      if (!topics.contains(topicName)) {
        throw new StartupFailure("Kafka at " + servers + " has no topic " + topicName
            + "; Beacon creates it when it starts: start Beacon once, or name its topic with --topic", null);
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException) {
        throw new StartupFailure("Kafka at " + servers + " refused the connection (" + StartupFailure.rootReason(e)
            + "); check " + KafkaSettings.SECURITY_SETTINGS, e);
      }
      throw didNotAnswer(servers, timeout, e);
    } catch (TimeoutException e) {
      throw didNotAnswer(servers, timeout, e);
    } catch (org.apache.kafka.common.KafkaException e) {
      // Admin.create refuses bootstrap servers that do not resolve
      throw new StartupFailure("Kafka at " + servers + " cannot be reached (" + StartupFailure.rootReason(e)
          + "); name a running one with --bootstrap or BEACON_KAFKA_BOOTSTRAP", e);
    }
  }

  private static StartupFailure didNotAnswer(String servers, Duration timeout, Exception e) {
    return new StartupFailure("Kafka at " + servers + " did not answer within " + timeout.toSeconds()
        + " s; start Beacon (its embedded broker) or that Kafka, or name a running one with --bootstrap "
        + "or BEACON_KAFKA_BOOTSTRAP", e);
  }
}
