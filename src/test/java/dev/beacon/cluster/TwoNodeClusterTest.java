package dev.beacon.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.BeaconServer;
import dev.beacon.common.StartupFailure;
import dev.beacon.journey.JourneyBucket;
import dev.beacon.journey.JourneyBuckets;
import dev.beacon.journey.JourneyProfile;
import dev.beacon.testing.CampaignTotals;
import dev.beacon.testing.EventMix;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestProducer;
import dev.beacon.testing.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.pattern.StatusReply;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Beacons in one cluster by seed nodes, on one broker and one PostgreSQL: the second joins the
 * first, both are Up, they share the topic's partitions in one consumer group, and either answers
 * for every campaign, whichever node holds its entity; the totals are exact. Journey shards follow their
 * partitions: when the second node takes some partitions from the first, their shards move to it,
 * and no delivery came off its journey's partition. A node whose seed does
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

  /** Each node started by {@link #node} and the client id of its Kafka consumers. */
  private final Map<BeaconServer, String> nodes = new HashMap<>();

  private BeaconServer node(TestDatabase db, String topic, int port, int seedPort) throws IOException {
    var dataDir = Files.createTempDirectory("beacon-node");
    var server = broker.start(TestServers.config(dataDir, broker.kafka().bootstrapServers(), db, topic, """
        pekko.remote.artery.canonical.port = %d
        pekko.kafka.consumer.kafka-clients.client.id = "node-%d"
        beacon.cluster.seed-nodes = "pekko://beacon@127.0.0.1:%d"
        beacon.cluster.join-timeout = 30s
        """.formatted(port, port, seedPort)));
    nodes.put(server, "node-" + port);
    return server;
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
  void journeyShardsMoveToTheNodeThatTakesTheirPartitionsAndTotalsStayExact() throws Exception {
    var db = broker.closeAfter(TestDatabase.postgres());
    var topic = "aligned-" + UUID.randomUUID();
    var now = Instant.now();
    var mix = EventMix.generate(topic, 3_000, 41, now);
    var firstHalf = EventMix.generate(topic, 1_500, 41, now);
    var seedPort = freePort();
    var first = node(db, topic, seedPort, seedPort);
    // alone, the first node reads every partition and hosts every journey shard
    TestProducer.produce(broker.kafka().bootstrapServers(), firstHalf.records);
    CampaignTotals.await(first.httpPort(), firstHalf, Duration.ofSeconds(90));
    assertThat(journeyShards(first)).containsExactlyInAnyOrder("0", "1", "2", "3");

    var second = node(db, topic, freePort(), seedPort);
    // the group gives the second node some partitions; their journey shards leave the first node
    // and, once a bucket of theirs is asked for, start on the second one
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      var reads = partitionsConsumed(topic);
      assertThat(reads.get(second)).isNotEmpty();
      assertThat(reads.get(first)).isNotEmpty().doesNotContainAnyElementsOf(reads.get(second));
      for (var partition : reads.get(second)) assertAnswers(second, JourneyBuckets.bucketEntityId("org0", Integer.parseInt(partition)));
      assertThat(journeyShards(first)).isSubsetOf(reads.get(first));
      assertThat(journeyShards(second)).isEqualTo(reads.get(second));
    });
    TestProducer.produce(broker.kafka().bootstrapServers(), mix.records.subList(1_500, mix.records.size()));
    CampaignTotals.await(first.httpPort(), mix, Duration.ofSeconds(90));
    CampaignTotals.await(second.httpPort(), mix, Duration.ofSeconds(30));

    // journey shard p sits on the node that consumes partition p (a batch caught in a hand-off
    // restarts its stream, and the group rebalances: the shards follow)
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      var reads = partitionsConsumed(topic);
      assertThat(union(reads.get(first), reads.get(second))).containsExactlyInAnyOrder("0", "1", "2", "3");
      assertThat(journeyShards(first)).isNotEmpty().isSubsetOf(reads.get(first));
      assertThat(journeyShards(second)).isNotEmpty().isSubsetOf(reads.get(second));
    });
    // Beacon's and Kafka's producers hash keys alike: every delivery went to its partition's journey shard
    assertThat(metric(first, "beacon_journey_misaligned_total")).isZero();
    assertThat(metric(second, "beacon_journey_misaligned_total")).isZero();
  }

  /** The journey bucket answers a query asked on this node (that it knows no such user is an answer). */
  private static void assertAnswers(BeaconServer server, String entityId) throws Exception {
    var asked = org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(server.system())
        .entityRefFor(JourneyBucket.ENTITY_TYPE_KEY, entityId)
        .<JourneyProfile>askWithStatus(replyTo -> new JourneyBucket.GetProfile("nobody", replyTo), Duration.ofSeconds(2))
        .toCompletableFuture();
    try {
      asked.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StatusReply.ErrorMessage.class).hasMessage(JourneyBucket.UNKNOWN_USER);
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    var all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** The journey shards this node's region hosts. */
  private static Set<String> journeyShards(BeaconServer server) throws Exception {
    var region = ClusterSharding.get(server.system().classicSystem()).shardRegion(JourneyBucket.ENTITY_TYPE_KEY.name());
    var state = (ShardRegion.CurrentShardRegionState) Patterns.ask(region, ShardRegion.getShardRegionStateInstance(),
        Duration.ofSeconds(5)).toCompletableFuture().get();
    var shards = new HashSet<String>();
    state.getShards().forEach(shard -> shards.add(shard.shardId()));
    return shards;
  }

  /** The partitions of {@code topic} each node's ingest consumer holds, by the client id {@link #node} gives it. */
  private Map<BeaconServer, Set<String>> partitionsConsumed(String topic) throws Exception {
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers()))) {
      var group = admin.describeConsumerGroups(List.of(topic + "-group")).all().get().get(topic + "-group");
      var reads = new HashMap<BeaconServer, Set<String>>();
      for (var server : nodes.keySet()) reads.put(server, new HashSet<>());
      for (var member : group.members()) {
        var server = nodes.entrySet().stream().filter(n -> member.clientId().equals(n.getValue())).findFirst().orElseThrow().getKey();
        member.assignment().topicPartitions().forEach(p -> reads.get(server).add(Integer.toString(p.partition())));
      }
      return reads;
    }
  }

  /** The value of an unlabelled series on this node's /metrics. */
  private static double metric(BeaconServer server, String name) {
    return new HttpCalls(server.httpPort()).get("/metrics").text().lines().filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1))).findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not on /metrics"));
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
