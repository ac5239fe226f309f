package dev.beacon.testing;

import com.typesafe.config.Config;
import dev.beacon.BeaconServer;
import dev.beacon.ingest.EmbeddedKafka;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension for integration tests: one in-JVM broker for the test class, and the Beacon
 * servers and other resources of each test, stopped and closed (newest first) after it.
 * Register it as a static field with {@code @RegisterExtension}.
 */
public final class ServersOnABroker implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private EmbeddedKafka kafka;
  private final List<BeaconServer> servers = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    kafka = EmbeddedKafka.start(Files.createTempDirectory("beacon-kafka"), 0, 0);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (var server : servers) server.stop().toCompletableFuture().get();
    servers.clear();
    for (var c : closeables) c.close();
    closeables.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    kafka.close();
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  /** Starts the broker again on its log dir and ports, after a test closed it. */
  public void startKafkaAgain() {
    kafka = kafka.startAgain();
  }

  public BeaconServer start(Config config) {
    var server = BeaconServer.start(config);
    servers.add(server);
    return server;
  }

  /** A server that crashed: there is nothing left to stop. */
  public void forget(BeaconServer server) {
    servers.remove(server);
  }

  public <T extends AutoCloseable> T closeAfter(T closeable) {
    closeables.add(0, closeable);
    return closeable;
  }
}
