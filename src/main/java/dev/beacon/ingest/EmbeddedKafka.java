package dev.beacon.ingest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster inside this JVM: one KRaft process acting as broker and controller,
 * listening on 127.0.0.1 only, owning every file under its log directory. A new directory is
 * formatted with a fresh cluster id; a directory that already holds {@code meta.properties} is
 * started as is, so topics, records and committed offsets survive a restart. Each instance is
 * independent, so several can run side by side on different directories and ports.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  public static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private static final String LOCK_FILE = ".beacon-broker.lock";

  private final KafkaRaftServer server;
  private final FileLock lock;
  private final Path logDir;
  private final int[] ports;
  private final Map<String, String> overrides;
  private final String bootstrapServers;
  private boolean closed;

  /** The log directory is held by another broker, in this process or another. */
  public static final class LogDirInUse extends IllegalStateException {
    LogDirInUse(Path dir) {
      super("Kafka log dir " + dir + " is in use by another broker");
    }
  }

  private EmbeddedKafka(KafkaRaftServer server, FileLock lock, Path logDir, int[] ports, Map<String, String> overrides) {
    this.server = server;
    this.lock = lock;
    this.logDir = logDir;
    this.ports = ports;
    this.overrides = overrides;
    this.bootstrapServers = HOST + ":" + ports[0];
  }

  /**
   * Starts a broker whose data lives in {@code logDir}, formatting it first if it is new. A port
   * of 0 picks a free one. Returns once the broker is unfenced and accepts connections. Throws
   * {@link LogDirInUse} when another broker holds the directory. Kafka's own lock comes too late
   * in combined mode: a second broker started on a directory in use was seen to fail on it only
   * after touching the metadata log, and the first broker then spun at shutdown.
   */
  public static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort) {
    return start(logDir, brokerPort, controllerPort, Map.of());
  }

  /**
   * A broker with {@code overrides} over its properties. Beacon's own broker has none; a test
   * gives its listener (still named {@code PLAINTEXT}) another protocol, such as SASL_PLAINTEXT.
   */
  public static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort, Map<String, String> overrides) {
    var ports = resolvePorts(brokerPort, controllerPort);
    var dir = logDir.toAbsolutePath();
    var started = System.nanoTime();
    var lock = lock(dir);
    try {
      var properties = properties(dir, ports[0], ports[1]);
      properties.putAll(overrides);
      var config = KafkaConfig.fromProps(properties, false);
      formatIfNew(config, dir);
      var server = new KafkaRaftServer(config, Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        server.shutdown();
        server.awaitShutdown();
        throw e;
      }
      log.info("Embedded Kafka up at {}:{} (controller port {}, log dir {}) in {} ms",
          HOST, ports[0], ports[1], dir, (System.nanoTime() - started) / 1_000_000);
      return new EmbeddedKafka(server, lock, dir, ports, Map.copyOf(overrides));
    } catch (RuntimeException e) {
      release(lock);
      throw e;
    }
  }

  /**
   * Starts this broker again after {@link #close()}, on the same log dir and ports: what a broker
   * restart looks like to its clients, which find it where it was, with its records and offsets.
   */
  public EmbeddedKafka startAgain() {
    synchronized (this) {
      if (!closed) throw new IllegalStateException("the broker at " + bootstrapServers + " is still running");
    }
    return start(logDir, ports[0], ports[1], overrides);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    var stopping = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    release(lock);
    log.info("Embedded Kafka at {} stopped in {} ms (log dir {})",
        bootstrapServers, (System.nanoTime() - stopping) / 1_000_000, logDir);
  }

  private static Properties properties(Path dir, int brokerPort, int controllerPort) {
    var p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
        + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    p.put("listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put("log.dirs", dir.toString());
    // One node: every internal topic has a single replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("offsets.topic.num.partitions", "8");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    // Sized for an embedded broker sharing the heap: the cleaner's 128 MB default buffer and
    // 1 GB segments are meant for a dedicated machine.
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    return p;
  }

  private static FileLock lock(Path dir) {
    try {
      Files.createDirectories(dir);
      var channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new LogDirInUse(dir);
      }
      return lock;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock Kafka log dir " + dir, e);
    }
  }

  private static void release(FileLock lock) {
    try {
      lock.channel().close();
    } catch (IOException e) {
      log.warn("Could not release the lock of a Kafka log dir: {}", e.toString());
    }
  }

  /** Does what {@code kafka-storage.sh format} does, unless the directory is already formatted. */
  private static void formatIfNew(KafkaConfig config, Path dir) {
    if (Files.exists(dir.resolve("meta.properties"))) {
      log.info("Reusing formatted Kafka log dir {}", dir);
      return;
    }
    var clusterId = Uuid.randomUuid().toString();
    try {
      Files.createDirectories(dir);
      new Formatter()
          .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(config.metadataLogDir())
          .addDirectory(dir.toString())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format Kafka log dir " + dir, e);
    }
    log.info("Formatted Kafka log dir {} with cluster id {}", dir, clusterId);
  }

  /**
   * Replaces each 0 with a free port and checks that the others are free, so a port in use fails
   * here, before the broker starts; the sockets stay open together so the picks differ.
   */
  private static int[] resolvePorts(int... requested) {
    var ports = requested.clone();
    var held = new ServerSocket[ports.length];
    for (int i = 0; i < ports.length; i++) {
      try {
        held[i] = new ServerSocket(ports[i], 1, InetAddress.getByName(HOST));
        ports[i] = held[i].getLocalPort();
      } catch (IOException e) {
        closeAll(held);
        throw new UncheckedIOException(ports[i] == 0 ? "No free port on " + HOST : HOST + ":" + ports[i] + " is not free", e);
      }
    }
    closeAll(held);
    return ports;
  }

  private static void closeAll(ServerSocket[] held) {
    for (var socket : held) {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the port is released either way
        }
      }
    }
  }
}
