package dev.beacon.bench;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.CommandLines;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line of {@code java -jar beacon.jar bench}: its options, typed and with their
 * defaults; once checked they become {@link BenchOptions} and the bench runs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
    customSynopsis = "java -jar beacon.jar bench [options]",
    description = {
        "Measures: raw Kafka read, the full pipeline on H2 and PostgreSQL (--db-url), latency at a fixed rate; "
            + "prints a table."})
public final class BenchArguments implements Callable<Integer> {
  /** Runs with the arguments after the word {@code bench}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandLines.execute(BenchArguments.class, args, out, err);
  }

  private static final long EVENTS = 2_000_000;
  private static final long ROUTE_EVENTS = 50_000;
  @Spec
  private CommandSpec spec;
  @Option(names = "--events", paramLabel = "N", description = "events per scenario (default 2,000,000; with --routes, "
      + "per route: 50,000)")
  private Long events;
  @Option(names = "--campaigns", paramLabel = "N", description = "campaigns in the mix (default ${DEFAULT-VALUE})")
  private int campaigns = 1_000;
  @Option(names = "--users", paramLabel = "N", description = "users in the mix (default ${DEFAULT-VALUE})")
  private int users = 100_000;
  @Option(names = "--partitions", paramLabel = "N", description = "partitions of the bench topics (default ${DEFAULT-VALUE})")
  private int partitions = 8;
  @Option(names = "--rate", paramLabel = "N", description = "offered rate of the latency run, events/s (default ${DEFAULT-VALUE})")
  private int latencyRate = 5_000;
  @Option(names = "--latency-seconds", paramLabel = "N", description = "length of the latency run (default ${DEFAULT-VALUE})")
  private int latencySeconds = 20;
  @Option(names = "--warmup-seconds", paramLabel = "N", description = "the latency run first offers its rate this long, "
      + "reported on its own row: a fresh JVM compiles its hot code meanwhile (default ${DEFAULT-VALUE})")
  private int warmupSeconds = 30;
  @Option(names = "--db-url", paramLabel = "URL",
      description = "also run on this PostgreSQL database (a schema is made and dropped)")
  private String dbUrl;
  @Option(names = "--db-user", paramLabel = "U", description = "(default ${DEFAULT-VALUE})")
  private String dbUser = "beacon";
  @Option(names = "--db-password", paramLabel = "P", description = "(default ${DEFAULT-VALUE})")
  private String dbPassword = "beacon";
  @Option(names = "--no-h2", description = "skip the H2 runs")
  private boolean skipH2;
  @Option(names = "--no-hot-key", description = "skip the hot-key variant")
  private boolean skipHotKey;
  @Option(names = "--no-retries", description = "skip the retries variant (the mix with 10%% of events sent twice, half "
      + "of them within the same micro-batch, checked against an oracle)")
  private boolean skipRetries;
  @Option(names = "--no-late", description = "skip the late variant (the mix with 10%% of events held back by up to 30 "
      + "minutes of event time, which journeys restate)")
  private boolean skipLate;
  @Option(names = "--batch-size", paramLabel = "N", description = "micro-batch size (default from application.conf)")
  private int batchSize;
  @Option(names = "--batch-window", paramLabel = "D", converter = ConfigDuration.class,
      description = "micro-batch window, e.g. 100ms (default from application.conf)")
  private String batchWindow;
  @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
  private Path json;
  @Option(names = "--seed", paramLabel = "S", description = "(default ${DEFAULT-VALUE})")
  private long seed = 42;
  @Option(names = "--no-journeys", description = "keep only the dedup window in journeys (no sessions, touchpoints, "
      + "conversions, credits, read tables): what journeys cost")
  private boolean skipJourneys;
  @Option(names = "--no-behaviour", description = "no engagement score and no invalid-traffic rule (beacon.behaviour.enabled "
      + "= off): what they cost")
  private boolean skipBehaviour;
  @Option(names = "--clients", paramLabel = "N",
      description = "dashboard websocket clients during the latency run, 0 for none (default ${DEFAULT-VALUE})")
  private int clients = 5_000;
  @Option(names = "--idle-clients", paramLabel = "SHARE",
      description = "share of those clients that never read, like a stuck browser tab (default ${DEFAULT-VALUE})")
  private double idleClients = 0.1;
  @Option(names = "--no-bandit", description = "skip the LinUCB timing (decide and update, d = 21, 4 arms, one thread)")
  private boolean skipBandit;
  @Option(names = "--bandit-rewards", paramLabel = "N", description = "measure only this: N interactions (d = 21, 4 arms) "
      + "through Kafka to one model entity, each share persisted, on H2 (unless --no-h2) and PostgreSQL (--db-url); "
      + "--batch-size and --batch-window set the interactions stream's micro-batches")
  private long banditRewards;
  @Option(names = "--nodes", paramLabel = "N", description = "measure only this: the mix through one Beacon server JVM and "
      + "through N of them in one cluster (--db-url, PostgreSQL), then N with one killed (kill -9) mid-ingest: events/s, "
      + "messages and bytes between nodes, journal rows/s, the time until the survivors consume again (default ${DEFAULT-VALUE}: "
      + "the other scenarios)")
  private int nodes = 1;
  @Option(names = "--erasure", paramLabel = "N", description = "measure only this: one user's N events and as many of "
      + "other users' through Kafka into a server on PostgreSQL (--db-url), then DELETE /api/users/{id}: the seconds until "
      + "the request is done, the journal rows and snapshots deleted, and that none still names the user")
  private long erasure;
  @Option(names = "--routes", description = "measure only this: the same site traffic (page views, promotion clicks, "
      + "purchases of 5,000 users from 40 campaigns) through each HTTP intake route in its senders' batches, into a server "
      + "that requires keys, on H2 (unless --no-h2) and PostgreSQL (--db-url): requests/s and events/s until every request "
      + "was answered 2xx and until every event was applied, request latency; every count checked exact")
  private boolean routes;
  @Option(names = "--senders", paramLabel = "N", description = "concurrent HTTP clients of --routes (default ${DEFAULT-VALUE})")
  private int senders = 4;
  private final PrintStream out;
  private final PrintStream err;

  private BenchArguments(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    var eventsPer = events != null ? events : routes ? ROUTE_EVENTS : EVENTS;
    var options = new BenchOptions(eventsPer, campaigns, users, partitions, latencyRate, latencySeconds, warmupSeconds, dbUrl, dbUser,
        dbPassword, !skipH2, !skipHotKey, !skipRetries, !skipLate, batchSize, batchWindow, json, seed, !skipJourneys,
        !skipBehaviour, clients, idleClients, !skipBandit, banditRewards, nodes, erasure, routes, senders);
    var problems = options.problems();
    if (!problems.isEmpty()) return CommandLines.badUsage(spec, problems);
    return BenchCommand.measure(options, out, err);
  }

  /** A duration as application.conf writes it (100ms, 1s), kept as written: it goes into the server's config. */
  static final class ConfigDuration implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      try {
        ConfigFactory.parseMap(Map.of("window", text)).getDuration("window");
        return text;
      } catch (ConfigException e) {
        throw new TypeConversionException("'" + text + "' is not a duration (e.g. 100ms, 1s)");
      }
    }
  }
}
