package dev.beacon.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.BeaconServer;
import dev.beacon.common.StartupFailure;
import dev.beacon.testing.CampaignTotals;
import dev.beacon.testing.EventMix;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestProducer;
import dev.beacon.testing.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Beacons in one cluster by seed nodes, on one broker and one PostgreSQL: the second joins the
 * first, both are Up, they share the topic's partitions in one consumer group, and either answers
 * for every campaign, whichever node holds its entity; the totals are exact. A node whose seed does
 * not answer stops its start with one line. (Several processes, kill -9 and Kubernetes come with
 * the rest of issue 14; here the two nodes share a JVM.)
 */
class TwoNodeClusterTest {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private BeaconServer node(TestDatabase db, String topic, int port, int seedPort) throws IOException {
    var dataDir = Files.createTempDirectory("beacon-node");
    return broker.start(TestServers.config(dataDir, broker.kafka().bootstrapServers(), db, topic, """
        pekko.remote.artery.canonical.port = %d
        beacon.cluster.seed-nodes = "pekko://beacon@127.0.0.1:%d"
        beacon.cluster.join-timeout = 30s
        """.formatted(port, seedPort)));
  }

  @Test
  void aSecondNodeJoinsByItsSeedAndEitherNodeAnswersForEveryCampaignWithExactTotals() throws Exception {
    var db = broker.closeAfter(TestDatabase.postgres());
    var topic = "cluster-" + UUID.randomUUID();
    var seedPort = freePort();
    var first = node(db, topic, seedPort, seedPort);
    var second = node(db, topic, freePort(), seedPort);

    for (var server : new BeaconServer[] {first, second}) {
      var members = Cluster.get(server.system()).state().getMembers();
      assertThat(members).hasSize(2);
      members.forEach(m -> assertThat(m.status()).isEqualTo(MemberStatus.up()));
    }

    // the records go out once both nodes' consumers share the partitions, so that each takes a part
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers()))) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        var group = admin.describeConsumerGroups(List.of(topic + "-group")).all().get().get(topic + "-group");
        assertThat(group.members()).hasSize(2);
        group.members().forEach(m -> assertThat(m.assignment().topicPartitions()).isNotEmpty());
      });
    }
    var mix = EventMix.generate(topic, 3_000, 14, Instant.now());
    TestProducer.produce(broker.kafka().bootstrapServers(), mix.records);
    CampaignTotals.await(first.httpPort(), mix, Duration.ofSeconds(90));
    CampaignTotals.await(second.httpPort(), mix, Duration.ofSeconds(30));
    // the group split the partitions: each node consumed a part
    assertThat(first.stats().snapshot().consumed()).isPositive();
    assertThat(second.stats().snapshot().consumed()).isPositive();
  }

  @Test
  void aNodeWhoseSeedDoesNotAnswerStopsItsStartSayingWhy() throws Exception {
    var db = broker.closeAfter(TestDatabase.postgres());
    var nobody = freePort();
    var dataDir = Files.createTempDirectory("beacon-node");
    var config = TestServers.config(dataDir, broker.kafka().bootstrapServers(), db, "lonely-" + UUID.randomUUID(), """
        pekko.remote.artery.canonical.port = %d
        beacon.cluster.seed-nodes = "pekko://beacon@127.0.0.1:%d"
        beacon.cluster.join-timeout = 3s
        """.formatted(freePort(), nobody));

    assertThatThrownBy(() -> BeaconServer.start(config)).isInstanceOf(StartupFailure.class)
        .hasMessageContaining("did not join the cluster of seed nodes pekko://beacon@127.0.0.1:" + nobody + " within 3 s");
  }

  @Test
  void aSeedNodeThatIsNotAnAddressStopsTheStartBeforeAnythingRuns() throws Exception {
    var db = broker.closeAfter(TestDatabase.postgres());
    var config = TestServers.config(Files.createTempDirectory("beacon-node"), broker.kafka().bootstrapServers(), db,
        "bad-" + UUID.randomUUID(), "beacon.cluster.seed-nodes = \"beacon@host:25520\"\n");

    assertThatThrownBy(() -> BeaconServer.start(config)).isInstanceOf(StartupFailure.class)
        .hasMessageStartingWith("BEACON_CLUSTER_SEED_NODES: 'beacon@host:25520' is not a seed node address");
  }
}
