package dev.beacon;

import com.typesafe.config.Config;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.HttpSettings;
import dev.beacon.common.StartupFailure;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.ingest.KafkaSettings;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a start that fail for reasons outside Beacon (a port taken, a directory that
 * cannot be written, a broker directory in use), each turned into a {@link StartupFailure} that
 * names the setting to change, and what a start has brought up so far, undone in reverse order
 * when a later step fails, so that a failed start leaves no broker, actor system or pool behind.
 */
final class Startup {
  private static final Logger log = LoggerFactory.getLogger(Startup.class);
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(30);
  private final Deque<Runnable> undo = new ArrayDeque<>();

  /** Remembers how to stop what was just started; returns it. */
  <T> T started(T resource, Consumer<T> stop) {
    undo.push(() -> stop.accept(resource));
    return resource;
  }

  /** Stops everything started so far, the last first; a failure to stop one is logged, not thrown. */
  void undo() {
    while (!undo.isEmpty()) {
      try {
        undo.pop().run();
      } catch (RuntimeException e) {
        log.warn("Could not stop a part of the failed start: {}", e.toString());
      }
    }
  }

  /** Something Beacon listens on, with the variables that move it. */
  private record Listener(String what, String host, int port, String hostVariable, String portVariable) {

    /** Runs the step that binds; a failure becomes a {@link StartupFailure} about this listener. */
    <T> T bind(Callable<T> step) {
      try {
        return step.call();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while starting " + what, e);
      } catch (Exception e) {
        throw failure(e);
      }
    }

    StartupFailure failure(Throwable error) {
      var bind = StartupFailure.cause(error, BindException.class).orElse(null);
      if (bind == null) {
        return new StartupFailure(what + " on " + host + ":" + port + " could not start: " + StartupFailure.rootReason(error), error);
      }
      if (String.valueOf(bind.getMessage()).contains("in use")) {
        return new StartupFailure(what + " port " + port + " on " + host + " is in use; stop what holds it, or set "
            + portVariable, error);
      }
      return new StartupFailure(what + " cannot listen on " + host + ":" + port + " (" + StartupFailure.rootReason(bind)
          + "); set " + (hostVariable.isEmpty() ? "" : hostVariable + " or ") + portVariable, error);
    }
  }

  /** The data directory when the broker lives there, and the directory of an H2 file database. */
  static void writableDirectories(Path dataDir, boolean dbUrlSet, KafkaSettings kafka, DatabaseSettings database) {
    if (kafka.embedded()) writableDirectory("data directory", dataDir, "BEACON_DATA_DIR");
    var variable = dbUrlSet ? "BEACON_DB_URL" : "BEACON_DATA_DIR";
    database.h2File().ifPresent(file -> writableDirectory("H2 database directory", file.getParent(), variable));
  }

  /** Creates the directory if need be and checks that a file can be written in it; {@code variable} moves it. */
  private static void writableDirectory(String what, Path dir, String variable) {
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".write-check", ""));
    } catch (IOException e) {
      throw new StartupFailure(what + " " + dir.toAbsolutePath() + " cannot be written (" + reason(e)
          + "); make it a directory this user can write, or set " + variable, e);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof FileAlreadyExistsException f) return f.getFile() + " is not a directory";
    if (e instanceof AccessDeniedException f) return "permission denied on " + f.getFile();
    if (e instanceof FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
    return e.toString();
  }

  /**
   * The in-JVM broker on {@code dir}; its ports and its directory are what can be in use. It takes
   * plain connections on loopback only, so client properties (SASL, TLS) mean a setting is missing.
   */
  static EmbeddedKafka embeddedKafka(Path dir, KafkaSettings kafka) {
    if (!kafka.clientProperties().isEmpty()) {
      throw new StartupFailure("Kafka client properties are set (" + kafka.clientPropertyNames() + ") but not "
          + "BEACON_KAFKA_BOOTSTRAP: they are for an external cluster, the embedded broker takes plain connections "
          + "on loopback only; set BEACON_KAFKA_BOOTSTRAP, or unset them", null);
    }
    try {
      return EmbeddedKafka.start(dir, kafka.embeddedPort(), kafka.embeddedControllerPort());
    } catch (EmbeddedKafka.LogDirInUse e) {
      throw new StartupFailure("Kafka log dir " + dir.toAbsolutePath() + " is in use by another process (another Beacon "
          + "on the same BEACON_DATA_DIR?); stop it, or set BEACON_DATA_DIR to another directory", e);
    } catch (RuntimeException e) {
      if (StartupFailure.cause(e, BindException.class).isPresent()) {
        var controller = kafka.embeddedControllerPort() != 0
            && messages(e).matches("(?s).*:" + kafka.embeddedControllerPort() + "\\b.*");
        var listener = controller
            ? new Listener("embedded Kafka controller", EmbeddedKafka.HOST, kafka.embeddedControllerPort(), "", "BEACON_KAFKA_EMBEDDED_CONTROLLER_PORT")
            : new Listener("embedded Kafka", EmbeddedKafka.HOST, kafka.embeddedPort(), "", "BEACON_KAFKA_EMBEDDED_PORT");
        throw listener.failure(e);
      }
      throw new StartupFailure("embedded Kafka could not start on " + dir.toAbsolutePath() + ": "
          + StartupFailure.rootReason(e), e);
    }
  }

  private static String messages(Throwable error) {
    var all = new StringBuilder();
    for (var e = error; e != null; e = e.getCause() == e ? null : e.getCause()) all.append(e.getMessage()).append('\n');
    return all.toString();
  }

  /** The actor system, which binds the cluster (Artery) port as it starts. */
  static ActorSystem<Void> actorSystem(Config config) {
    var artery = config.getConfig("pekko.remote.artery.canonical");
    var listener = new Listener("cluster (Artery)", artery.getString("hostname"), artery.getInt("port"),
        "BEACON_CLUSTER_HOST", "BEACON_CLUSTER_PORT");
    return listener.bind(() -> ActorSystem.<Void>create(Behaviors.empty(), "beacon", config));
  }

  /**
   * Joins this node to its cluster and waits until it is Up: itself when it has no seed nodes (a
   * cluster of one), the seed nodes Pekko was given ({@code pekko.cluster.seed-nodes}), or through
   * the cluster bootstrap, whose contact points are the management ports of the pods the Kubernetes
   * API lists (management must be started). A node that is not Up within the join timeout stops the
   * start, saying what it tried.
   */
  static void joinCluster(ActorSystem<?> system, ClusterSettings settings) {
    var up = new CompletableFuture<Void>();
    org.apache.pekko.cluster.Cluster.get(system.classicSystem()).registerOnMemberUp(() -> up.complete(null));
    if (settings.single()) {
      var cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else if (settings.discovery() == ClusterSettings.Discovery.KUBERNETES_API) {
      ClusterBootstrap.get(system.classicSystem()).start();
    }
    try {
      up.get(settings.joinTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new StartupFailure(notUp(settings) + " within " + settings.joinTimeout().toSeconds() + " s" + whatToCheck(settings), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupFailure("interrupted while joining the cluster", e);
    } catch (ExecutionException e) {
      throw new StartupFailure("could not join the cluster: " + StartupFailure.rootReason(e), e);
    }
  }

  private static String notUp(ClusterSettings settings) {
    if (settings.single()) return "this node did not come Up in a cluster of its own";
    if (settings.discovery() == ClusterSettings.Discovery.SEED_NODES) {
      return "this node did not join the cluster of seed nodes " + String.join(", ", settings.seedNodes());
    }
    return "this node did not join a cluster through the Kubernetes API (pods labelled " + settings.podLabelSelector()
        + ", " + settings.requiredContactPoints() + " of them answering on their management port to form a new one)";
  }

  private static String whatToCheck(ClusterSettings settings) {
    if (settings.single()) return "";
    if (settings.discovery() == ClusterSettings.Discovery.SEED_NODES) {
      return "; start the first seed node, check BEACON_CLUSTER_SEED_NODES and that their cluster ports are reachable from here";
    }
    return "; check that the pods can list pods (Role), that BEACON_MANAGEMENT_HOST is the pod's IP, and "
        + "BEACON_CLUSTER_REQUIRED_CONTACT_POINTS against the replicas";
  }

  /** Pekko Management ({@code pekko.management.http}), bound before this returns. */
  static void management(ActorSystem<?> system, Config config) {
    var management = config.getConfig("pekko.management.http");
    new Listener("management", management.getString("hostname"), management.getInt("port"),
        "BEACON_MANAGEMENT_HOST", "BEACON_MANAGEMENT_PORT")
        .bind(() -> PekkoManagement.get(system).start().toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
  }

  /** The HTTP API ({@code beacon.http}), over HTTPS when {@code https} is present, bound before this returns. */
  static ServerBinding http(ActorSystem<?> system, HttpSettings http, Optional<HttpsConnectionContext> https, Route routes) {
    var host = http.host();
    var port = http.port();
    var server = Http.get(system).newServerAt(host, port);
    var secured = https.map(server::enableHttps).orElse(server);
    return new Listener(https.isPresent() ? "HTTPS" : "HTTP", host, port, "BEACON_HTTP_HOST", "BEACON_HTTP_PORT")
        .bind(() -> secured.bind(routes).toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
  }

  /** Terminates the system and waits for it, within bounds. */
  static void terminate(ActorSystem<?> system) {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(TERMINATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }
}
