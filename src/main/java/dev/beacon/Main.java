package dev.beacon;

import dev.beacon.attribution.AttributeCommand;
import dev.beacon.backfill.ImportCommand;
import dev.beacon.bandit.offline.EvaluateCommand;
import dev.beacon.bench.BenchArguments;
import dev.beacon.common.CommandLines;
import dev.beacon.common.ScalaConsole;
import dev.beacon.report.ReportCommand;
import dev.beacon.simulate.SimulateCommand;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The command line: {@code java -jar beacon.jar [command]}, {@code serve} when none is given. */
@Command(name = "beacon", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
    subcommands = {ServeCommand.class, SimulateCommand.class, ImportCommand.class, BenchArguments.class,
        AttributeCommand.class, EvaluateCommand.class, ReportCommand.class, HelpCommand.class},
    customSynopsis = "java -jar beacon.jar [-hV] [COMMAND]",
    description = "Beacon: real-time marketing analytics and online-learning server.",
    footer = {"",
        "With no command it serves. With no BEACON_KAFKA_BOOTSTRAP the server runs an in-JVM Kafka broker, and "
            + "with no BEACON_DB_URL an H2 file database, both under BEACON_DATA_DIR (./data); SIGTERM stops it "
            + "gracefully. COMMAND --help shows the options of each command.",
        "",
        "Configuration: application.conf, every value overridable by environment (see README)."})
public final class Main implements Callable<Integer> {
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  private static final String LOG_FORMAT = "BEACON_LOG_FORMAT";
  private static final List<String> LOG_FORMATS = List.of("text", "json");

  static {
    // Scala's CompletionStages (every Pekko ask) run their callbacks on the common pool; with
    // fewer than two of its threads (a 2-core machine) the JDK starts a new thread per callback.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) System.setProperty(COMMON_POOL_PARALLELISM, "4");
    // before any Scala code runs: pekko-projection-jdbc prints a line per projection stop
    ScalaConsole.dropProjectionStopLines();
  }

  private final PrintStream out;
  private final PrintStream err;

  private Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command {@code args} name (serve when they name none); returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    var logFormat = System.getenv(LOG_FORMAT);
    // before the first log line: logback.xml includes logback-<format>.xml, and with no such file nothing is logged
    if (logFormat != null && !LOG_FORMATS.contains(logFormat)) {
      err.println("Beacon cannot start: " + LOG_FORMAT + " is '" + logFormat + "'; it must be one of " + String.join(", ", LOG_FORMATS));
      return 1;
    }
    return CommandLines.execute(Main.class, args, out, err);
  }

  /** No command: serve. */
  @Override
  public Integer call() {
    return new ServeCommand(out, err).call();
  }
}
