package dev.beacon;

import dev.beacon.bench.BenchCommand;
import dev.beacon.common.BeaconConfig;
import dev.beacon.journey.AttributeCommand;
import dev.beacon.simulate.SimulateCommand;
import java.util.concurrent.CountDownLatch;

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
  }

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    var command = args.length == 0 ? "serve" : args[0];
    switch (command) {
      case "serve" -> serve();
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
    return java.util.Arrays.copyOfRange(args, 1, args.length);
  }

  private static void serve() throws InterruptedException {
    var server = BeaconServer.start(BeaconConfig.load());
    var stopped = new CountDownLatch(1);
    server.system().getWhenTerminated().thenRun(stopped::countDown);
    // SIGTERM / Ctrl-C: run the coordinated shutdown (unbind, drain and commit, stop) before exit.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop().toCompletableFuture().join();
    }, "beacon-shutdown"));
    stopped.await();
  }
}
