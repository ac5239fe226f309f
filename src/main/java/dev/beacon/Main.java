package dev.beacon;

import dev.beacon.common.BeaconConfig;
import java.util.concurrent.CountDownLatch;

/** The command line: {@code java -jar beacon.jar [command]}. */
public final class Main {
  private static final String HELP = """
      Beacon: real-time marketing analytics and online-learning server.

      Usage: java -jar beacon.jar [command]

      Commands:
        serve     start the server (the default): HTTP API, ingest stream, entities.
                  With no BEACON_KAFKA_BOOTSTRAP it runs an in-JVM Kafka broker, and with no
                  BEACON_DB_URL an H2 file database, both under BEACON_DATA_DIR (./data).
        help      show this text (also --help, -h).

      Configuration: application.conf, every value overridable by environment (see README).
      """;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    var command = args.length == 0 ? "serve" : args[0];
    switch (command) {
      case "serve" -> serve();
      case "help", "--help", "-h" -> System.out.print(HELP);
      default -> {
        System.err.println("Unknown command: " + command);
        System.err.print(HELP);
        System.exit(2);
      }
    }
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
