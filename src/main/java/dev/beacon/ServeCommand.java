package dev.beacon;

import dev.beacon.common.BeaconConfig;
import dev.beacon.common.StartupFailure;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar beacon.jar serve}: runs the server until SIGTERM or Ctrl-C, then stops it
 * gracefully and waits for the embedded broker to close before the JVM exits. Exit status 1,
 * with one line on stderr, when the start cannot succeed; 2 for an unknown option.
 */
final class ServeCommand {
  static final String USAGE = """
      Usage: java -jar beacon.jar [serve]

      Starts the server: HTTP API, ingest stream, entities, Pekko Management. It takes no options;
      the environment configures it (application.conf lists every variable), for instance:

        BEACON_HTTP_PORT          HTTP API (8080)
        BEACON_MANAGEMENT_PORT    Pekko Management: /ready, /alive (8558)
        BEACON_CLUSTER_PORT       Pekko cluster, Artery (25520)
        BEACON_DATA_DIR           embedded Kafka log and H2 database (./data)
        BEACON_KAFKA_BOOTSTRAP    external Kafka (unset: an in-JVM broker on BEACON_KAFKA_EMBEDDED_PORT, 9092)
        BEACON_DB_URL             jdbc:postgresql://HOST:5432/DB (unset: H2 under the data directory),
                                  with BEACON_DB_USER and BEACON_DB_PASSWORD
        BEACON_SIMULATOR          the demo traffic (on)

      SIGTERM or Ctrl-C stops it gracefully: HTTP unbinds, the ingest stream drains and commits,
      then the actor system and the embedded broker stop. A start that cannot succeed (a port in
      use, a database or Kafka out of reach) says why in one line on stderr and exits with status 1.
      """;
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  private ServeCommand() {}

  /** Runs the command with the arguments after {@code serve}; returns the exit status once stopped. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    for (var arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.print(USAGE);
        return 0;
      }
    }
    if (args.length > 0) {
      err.println("serve: unknown option " + args[0]);
      err.print(USAGE);
      return 2;
    }
    var started = new CompletableFuture<BeaconServer>();
    // Registered before the start: a SIGTERM that comes while it runs stops what it brings up.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      started.thenCompose(BeaconServer::stop).exceptionally(e -> null).join();
    }, "beacon-shutdown"));
    try {
      started.complete(BeaconServer.start(BeaconConfig.load()));
    } catch (StartupFailure e) {
      log.debug("Start failed", e);
      started.completeExceptionally(e);
      err.println("Beacon cannot start: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      log.error("Start failed", e);
      started.completeExceptionally(e);
      err.println("Beacon cannot start: " + StartupFailure.rootReason(e) + " (the log has the details)");
      return 1;
    }
    started.join().whenStopped().toCompletableFuture().join();
    return 0;
  }
}
