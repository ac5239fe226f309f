package dev.beacon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.ServerProcess;
import dev.beacon.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;

/**
 * Beacon nodes of one cluster in child JVMs on this machine, as an operator runs them: distinct
 * ports, every node's cluster port a seed (the first node forms the cluster, the others join
 * whichever answers, a node started again joins the ones running), one broker and one PostgreSQL
 * database shared by all, and the test's own topics and consumer groups. Sized for two busy
 * cores: small heaps and pools, the serial collector, and failure-detector, split-brain and Kafka
 * group timings loose enough that a slow node is not taken for a dead one (Pekko settings that
 * have no {@code BEACON_*} variable go in as {@code -D} options). A wait that fails shows the
 * tail of every node's log.
 */
final class ProcessCluster implements AutoCloseable {
  private static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=2",
      "-XX:TieredStopAtLevel=1",
      "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=10s",
      "-Dpekko.cluster.split-brain-resolver.stable-after=7s",
      "-Dpekko.cluster.sharding.rebalance-interval=2s",
      "-Dpekko.kafka.consumer.kafka-clients.session.timeout.ms=10000",
      "-Dpekko.kafka.consumer.kafka-clients.heartbeat.interval.ms=3000",
      "-Dbeacon.read-side.pool-size=3");
  private static final Duration STARTS_WITHIN = Duration.ofSeconds(120);
  private static final int LOG_LINES = 25;
  private final Path dir;
  private final Map<String, String> env = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();

  /** {@code size} nodes, none started, on the broker at {@code bootstrap} and on {@code db}, reading {@code topic}. */
  ProcessCluster(Path dir, String bootstrap, TestDatabase db, String topic, int size) {
    this.dir = dir;
    for (int i = 1; i <= size; i++) nodes.add(new Node(i, freePort(), freePort(), freePort()));
    env.putAll(Map.of("BEACON_KAFKA_BOOTSTRAP", bootstrap, "BEACON_KAFKA_TOPIC", topic,
        "BEACON_KAFKA_DLQ_TOPIC", topic + ".dlq", "BEACON_KAFKA_GROUP_ID", topic + "-group",
        "BEACON_BANDIT_INTERACTIONS_TOPIC", topic + ".interactions",
        "BEACON_BANDIT_INTERACTIONS_DLQ_TOPIC", topic + ".interactions.dlq",
        "BEACON_BANDIT_INTERACTIONS_GROUP_ID", topic + "-bandit", "BEACON_BANDIT_PREDICTIONS_TOPIC", topic + ".predictions"));
    env.putAll(Map.of("BEACON_DB_URL", db.url, "BEACON_DB_USER", db.user, "BEACON_DB_PASSWORD", db.password,
        "BEACON_DB_MAX_POOL_SIZE", "6", "BEACON_INGEST_BATCH_SIZE", "500",
        "BEACON_CLUSTER_SEED_NODES", nodes.stream().map(Node::address).collect(Collectors.joining(","))));
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Node node(int index) {
    return nodes.get(index - 1);
  }

  List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /** Starts the first node, then the others together once it answers; waits until each sees every one Up. */
  void startAll() {
    start(nodes);
  }

  /** Starts {@code started} (the first of them alone, first); waits until each node running sees every one Up. */
  void start(List<Node> started) {
    var first = started.get(0);
    first.start();
    first.awaitAnswers();
    started.subList(1, started.size()).forEach(Node::start);
    started.forEach(Node::awaitAnswers);
    awaitMembersUp();
  }

  /** Waits until every node running sees exactly the running nodes as members, all Up and reachable. */
  void awaitMembersUp() {
    var running = nodes.stream().filter(Node::isRunning).toList();
    var expected = new TreeMap<String, String>();
    running.forEach(node -> expected.put(node.address(), "Up"));
    await("members " + expected.keySet() + " Up on every running node", Duration.ofSeconds(90), () -> {
      for (var node : running) assertThat(node.members()).as("members seen by node " + node.index).isEqualTo(expected);
    });
  }

  /** Waits until {@code assertion} holds; on a timeout, fails saying {@code what}, with the tail of every node's log. */
  void await(String what, Duration atMost, ThrowingRunnable assertion) {
    try {
      Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(assertion);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + System.lineSeparator() + logs(), e);
    }
  }

  /** The tail of each node's log. */
  String logs() {
    var text = new StringBuilder("(the whole logs: " + dir.resolve("logs") + ")" + System.lineSeparator());
    for (var node : nodes) {
      if (node.process == null) continue;
      text.append("---- node ").append(node.index).append(" (").append(node.process.isAlive() ? "running" : "ended")
          .append("), last lines:").append(System.lineSeparator()).append(node.process.logTail(LOG_LINES));
    }
    return text.toString();
  }

  @Override
  public void close() {
    for (var node : nodes) if (node.process != null) node.process.kill();
  }

  /** One Beacon JVM of the cluster, on ports of its own that stay the same when it is started again. */
  final class Node {
    final int index;
    final int httpPort;
    final int managementPort;
    final int clusterPort;
    private ServerProcess process;

    private Node(int index, int httpPort, int managementPort, int clusterPort) {
      this.index = index;
      this.httpPort = httpPort;
      this.managementPort = managementPort;
      this.clusterPort = clusterPort;
    }

    String address() {
      return "pekko://beacon@127.0.0.1:" + clusterPort;
    }

    /** Starts this node's JVM (again, after it ended, on the same configuration). */
    void start() {
      assertThat(isRunning()).as("node " + index + " is already running").isFalse();
      var own = new HashMap<>(env);
      own.putAll(Map.of("BEACON_HTTP_PORT", String.valueOf(httpPort), "BEACON_MANAGEMENT_PORT", String.valueOf(managementPort),
          "BEACON_CLUSTER_PORT", String.valueOf(clusterPort), "BEACON_DATA_DIR", dir.resolve("node" + index).toString()));
      process = ServerProcess.start(dir.resolve("logs"), own, JVM_OPTIONS, "serve");
    }

    void awaitAnswers() {
      await("node " + index + " answers HTTP", STARTS_WITHIN, () -> {
        assertThat(process.isAlive()).as("node " + index + " runs").isTrue();
        assertThat(process.answers()).isTrue();
      });
    }

    boolean isRunning() {
      return process != null && process.isAlive();
    }

    /** kill -9. */
    void kill() {
      process.kill();
    }

    /** SIGTERM, then waits until the JVM has ended, having stopped Beacon gracefully. */
    void stop() {
      process.terminate();
      assertThat(process.awaitExit(Duration.ofSeconds(90))).as("node %d ends after SIGTERM%n%s", index, logs()).isPresent();
      assertThat(process.stdout()).as("node %d's log", index).contains("Beacon stopped");
    }

    HttpCalls http() {
      return new HttpCalls(httpPort);
    }

    HttpCalls management() {
      return new HttpCalls(managementPort);
    }

    /** Address → status of the members this node sees; a member it finds unreachable is "Unreachable". */
    Map<String, String> members() {
      var answer = management().get("/cluster/members").body();
      var members = new TreeMap<String, String>();
      for (var member : answer.get("members")) members.put(member.get("node").asText(), member.get("status").asText());
      for (var member : answer.get("unreachable")) members.put(member.get("node").asText(), "Unreachable");
      return members;
    }

    /** Shard id → entities, of the entity type {@code typeName}, on this node. */
    Map<String, Integer> shards(String typeName) {
      var shards = new TreeMap<String, Integer>();
      JsonNode regions = management().get("/cluster/shards/" + typeName).body().get("regions");
      for (var region : regions) shards.put(region.get("shardId").asText(), region.get("numEntities").asInt());
      return shards;
    }
  }
}
