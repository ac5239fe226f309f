package dev.beacon;

import dev.beacon.attribution.AttributeCommand;
import dev.beacon.bench.BenchCommand;
import dev.beacon.common.BeaconConfig;
import dev.beacon.common.ScalaConsole;
import dev.beacon.simulate.SimulateCommand;

/** The command line: {@code java -jar beacon.jar [command]}. */
public final class Main {
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  private static final String HELP = """
      Beacon: real-time marketing analytics and online-learning server.

      Usage: java -jar beacon.jar [command]

      Commands:
        serve     start the server (the default): HTTP API, ingest stream, entities.
                  With no BEACON_KAFKA_BOOTSTRAP it runs an in-JVM Kafka broker, and with no
                  BEACON_DB_URL an H2 file database, both under BEACON_DATA_DIR (./data).
                  SIGTERM stops it gracefully (serve --help for its settings).
        simulate  send simulated traffic to a running Beacon's Kafka (simulate --help).
        bench     measure: raw Kafka read, the full pipeline on H2 and PostgreSQL (--db-url),
                  latency at a fixed rate; prints a table (bench --help for options).
        attribute --paths FILE [--csv]
                  attribution of a path file (path;total_conversions;total_conversion_value;
                  total_null): first touch, last touch, linear and Markov, per channel.
        help      show this text (also --help, -h).

      Configuration: application.conf, every value overridable by environment (see README).
      """;

  static {
    // Scala's CompletionStages (every Pekko ask) run their callbacks on the common pool; with
    // fewer than two of its threads (a 2-core machine) the JDK starts a new thread per callback.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) System.setProperty(COMMON_POOL_PARALLELISM, "4");
    // before any Scala code runs: pekko-projection-jdbc prints a line per projection stop
    ScalaConsole.dropProjectionStopLines();
  }

  private Main() {}

  public static void main(String[] args) {
    var command = args.length == 0 ? "serve" : args[0];
    switch (command) {
      case "serve" -> System.exit(ServeCommand.run(rest(args), System.out, System.err));
      case "bench" -> System.exit(BenchCommand.run(rest(args), System.out, System.err));
      case "simulate" -> System.exit(SimulateCommand.run(rest(args), System.out, System.err));
      case "attribute" -> System.exit(AttributeCommand.run(rest(args), System.out, System.err));
      case "help", "--help", "-h" -> System.out.print(HELP);
      default -> {
        System.err.println("Unknown command: " + command);
        System.err.print(HELP);
        System.exit(2);
      }
    }
  }

  private static String[] rest(String[] args) {
    return args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
  }
}
