package dev.beacon;

import dev.beacon.common.BeaconConfig;
import dev.beacon.common.CommandLines;
import dev.beacon.common.StartupFailure;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code java -jar beacon.jar serve}: runs the server until SIGTERM or Ctrl-C, then stops it
 * gracefully and waits for the embedded broker to close before the JVM exits with 0. Exit status 1,
 * with one line on stderr, when the start cannot succeed; 2 for an unknown option.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
    customSynopsis = "java -jar beacon.jar [serve]",
    description = {
        "Starts the server (the default command): HTTP API, ingest stream, entities, Pekko Management.",
        "It takes no other options than -h and -V: the environment configures it (application.conf lists",
        "every variable), for instance:",
        "",
        "  BEACON_HTTP_PORT          HTTP API (8080)",
        "  BEACON_HTTP_HOST          its address (127.0.0.1; any other needs an admin key)",
        "  BEACON_ADMIN_KEY          the bootstrap admin key (unset: no key needed, loopback only);",
        "                            or BEACON_ADMIN_KEY_FILE, a file that holds it",
        "  BEACON_HTTP_TLS_KEYSTORE  HTTPS from this PKCS12 keystore, with _PASSWORD (unset: plain HTTP)",
        "  BEACON_MANAGEMENT_PORT    Pekko Management: /ready, /alive (8558)",
        "  BEACON_CLUSTER_PORT       Pekko cluster, Artery (25520)",
        "  BEACON_DATA_DIR           embedded Kafka log and H2 database (./data)",
        "  BEACON_KAFKA_BOOTSTRAP    external Kafka (unset: an in-JVM broker on BEACON_KAFKA_EMBEDDED_PORT,",
        "                            9092)",
        "  BEACON_DB_URL             jdbc:postgresql://HOST:5432/DB (unset: H2 under the data directory),",
        "                            with BEACON_DB_USER and BEACON_DB_PASSWORD",
        "  BEACON_SIMULATOR          the demo traffic (on)"},
    footer = {"",
        "SIGTERM or Ctrl-C stops it gracefully, then exits 0: /ready fails (BEACON_SHUTDOWN_UNREADY_WAIT), HTTP "
            + "unbinds, the ingest stream drains and commits, the shards hand over, the node leaves its cluster, then "
            + "the actor system and the embedded broker stop. A start that cannot succeed (a port in use, a database "
            + "or Kafka out of reach) says why in one line on stderr and exits with status 1."})
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
  private final PrintStream err;

  /** The server writes to its log, not to {@code out}; only a failed start goes to {@code err}. */
  ServeCommand(PrintStream out, PrintStream err) {
    this.err = err;
  }

  /** Starts the server and waits until it has stopped; returns the exit status. */
  @Override
  public Integer call() {
    var started = new CompletableFuture<BeaconServer>();
    // Registered before the start: a SIGTERM that comes while it runs stops what it brings up.
    // After SIGTERM the JVM would exit with 143 once the hooks are done: a server that stopped
    // gracefully exits 0, as a service manager expects of a clean stop (a failed start keeps its 1).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      var stoppedCleanly = started.thenCompose(BeaconServer::stop).thenApply(done -> true).exceptionally(e -> false).join();
      if (stoppedCleanly) Runtime.getRuntime().halt(0);
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
