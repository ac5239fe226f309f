package dev.beacon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.ServerProcess;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three Beacon processes, configured as the Deployment configures its pods
 * ({@code BEACON_CLUSTER_DISCOVERY=kubernetes-api}, {@code KUBERNETES_SERVICE_HOST/PORT},
 * {@code POD_NAMESPACE}, three required contact points), on one broker and one PostgreSQL, form one
 * cluster through Pekko Management's bootstrap: the contact points come from a stub of the
 * Kubernetes API that lists them as three pods. Then one gets SIGTERM and shuts down in order:
 * {@code /ready} fails while its HTTP API still answers, it leaves the cluster, and exits 0.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesBootstrapTest {
  private static final int NODES = 3;
  private static final String NAMESPACE = "beacon-test";
  private static final Duration FORMS_WITHIN = Duration.ofSeconds(150);
  /** Long enough that a busy machine still sees HTTP answer between SIGTERM and the unbind. */
  private static final Duration UNREADY_WAIT = Duration.ofSeconds(10);
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();
  private final List<ServerProcess> nodes = new ArrayList<>();
  private final List<Integer> managementPorts = new ArrayList<>();
  private TestDatabase db;
  private KubernetesApiStub api;

  @BeforeAll
  void startThreePodsAgainstTheStubApi() throws Exception {
    db = TestDatabase.postgres();
    var dir = Files.createTempDirectory("beacon-k8s-bootstrap");
    for (var i = 0; i < NODES; i++) managementPorts.add(freePort());
    api = new KubernetesApiStub(dir, managementPorts);
    for (var port : managementPorts) {
      var env = new HashMap<String, String>();
      env.put("BEACON_CLUSTER_DISCOVERY", "kubernetes-api");
      env.put("BEACON_CLUSTER_REQUIRED_CONTACT_POINTS", String.valueOf(NODES));
      env.put("BEACON_CLUSTER_JOIN_TIMEOUT", FORMS_WITHIN.toSeconds() + "s");
      // three JVMs on two busy cores: a long pause is no death
      env.put("BEACON_CLUSTER_HEARTBEAT_PAUSE", "10s");
      env.put("BEACON_SHUTDOWN_UNREADY_WAIT", UNREADY_WAIT.toSeconds() + "s");
      env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
      env.put("KUBERNETES_SERVICE_PORT", String.valueOf(api.port()));
      env.put("POD_NAMESPACE", NAMESPACE);
      env.put("BEACON_MANAGEMENT_PORT", String.valueOf(port));
      env.put("BEACON_KAFKA_BOOTSTRAP", broker.kafka().bootstrapServers());
      env.put("BEACON_DB_URL", db.url);
      env.put("BEACON_DB_USER", db.user);
      env.put("BEACON_DB_PASSWORD", db.password);
      env.put("BEACON_DATA_DIR", dir.resolve("data-" + port).toString());
      env.put("BEACON_DB_MAX_POOL_SIZE", "4");
      nodes.add(ServerProcess.start(dir.resolve("logs"), env, List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dpekko.discovery.kubernetes-api.api-ca-path=" + api.caFile,
          "-Dpekko.discovery.kubernetes-api.api-token-path=" + api.tokenFile), "serve"));
    }
  }

  @AfterAll
  void stopEverything() {
    nodes.forEach(ServerProcess::close);
    if (api != null) api.close();
    if (db != null) db.close();
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  @Order(1)
  void theThreePodsTheApiListsFormOneClusterAllUp() {
    for (var port : managementPorts) {
      Awaitility.await("3 members Up seen from management port " + port).atMost(FORMS_WITHIN)
          .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .failFast("a node exited", () -> nodes.stream().anyMatch(node -> !node.isAlive()))
          .until(() -> upMembers(port) == NODES);
    }
    // Ready once serving: its HTTP API bound after the cluster formed.
    for (var i = 0; i < NODES; i++) {
      var port = managementPorts.get(i);
      Awaitility.await("/ready on management port " + port).atMost(FORMS_WITHIN).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .until(() -> ready(port).status() == 200);
      Awaitility.await("HTTP on the node of management port " + port).atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1)).until(nodes.get(i)::answers);
    }
    assertThat(api.requests()).isNotEmpty().allSatisfy(request -> {
      assertThat(request.path()).isEqualTo("/api/v1/namespaces/" + NAMESPACE + "/pods");
      assertThat(request.query()).isEqualTo("labelSelector=app=beacon");
      assertThat(request.authorization()).isEqualTo("Bearer " + KubernetesApiStub.TOKEN);
    });
  }

  @Test
  @Order(2)
  void onSigtermReadyTurnsFalseWhileHttpStillAnswersThenTheNodeLeavesAndExitsZero() {
    var leaving = nodes.get(NODES - 1);
    var port = managementPorts.get(NODES - 1);
    assertThat(ready(port).status()).isEqualTo(200);
    leaving.terminate();
    // Pekko Management answers a failing check with 500.
    Awaitility.await("/ready fails after SIGTERM").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> ready(port).status() == 500);
    assertThat(upMembers(port)).as("still a member: the check that fails is Beacon's").isEqualTo(NODES);
    Awaitility.await("HTTP still answers while /ready fails").atMost(UNREADY_WAIT).until(leaving::answers);
    assertThat(leaving.awaitExit(Duration.ofSeconds(90))).as("exit status after SIGTERM").hasValue(0);
    assertThat(leaving.stdout()).containsSubsequence("Not ready from now on", "Draining the ingest stream",
        "Beacon stopped");
    Awaitility.await("the others see it gone").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
        .until(() -> upMembers(managementPorts.get(0)) == NODES - 1 && memberCount(managementPorts.get(0)) == NODES - 1);
  }

  private static long upMembers(int port) {
    var members = new HttpCalls(port).get("/cluster/members").body().path("members");
    return StreamSupport.stream(members.spliterator(), false).filter(m -> m.path("status").asText().equals("Up")).count();
  }

  private static int memberCount(int port) {
    return new HttpCalls(port).get("/cluster/members").body().path("members").size();
  }

  private static HttpCalls.Answer ready(int port) {
    return new HttpCalls(port).get("/ready");
  }
}
