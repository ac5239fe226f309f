package dev.beacon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.testing.CampaignTotals;
import dev.beacon.testing.EventMix;
import dev.beacon.testing.SseReader;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Beacon JVMs in one cluster on one broker and one PostgreSQL, the way they run in
 * production: the cluster forms from seed nodes, the shards spread over the nodes, and every
 * node answers for every entity. Each test prints how long its steps took.
 */
class ThreeNodeProcessesTest {
  private static final String LIVE_ORGANIZATION = "live-org";
  private static EmbeddedKafka kafka;
  /** Kept when a test fails: the nodes' logs are in it. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;
  private TestDatabase db;
  private ProcessCluster cluster;
  private String topic;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start(Files.createTempDirectory("beacon-kafka"), 0, 0);
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) kafka.close();
  }

  private ProcessCluster cluster(int size) {
    db = TestDatabase.postgres();
    topic = "processes-" + UUID.randomUUID();
    cluster = new ProcessCluster(dir, kafka.bootstrapServers(), db, topic, size);
    return cluster;
  }

  @AfterEach
  void stopEverything() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static void timed(String step, Runnable run) {
    var started = System.nanoTime();
    run.run();
    System.out.printf("%s: %.1f s%n", step, (System.nanoTime() - started) / 1e9);
  }

  /** Waits until the ingest group has {@code members} members, each holding partitions of the topic. */
  private void awaitConsumers(int members) {
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      var group = topic + "-group";
      cluster.await(members + " consumers share the partitions", Duration.ofSeconds(60), () -> {
        var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        assertThat(description.members()).hasSize(members);
        description.members().forEach(m -> assertThat(m.assignment().topicPartitions()).isNotEmpty());
      });
    }
  }

  /** Waits until {@code node} shows every campaign of {@code mix} with exactly its totals. */
  private void awaitTotals(ProcessCluster.Node node, EventMix mix, Duration atMost) {
    var http = node.http();
    cluster.await("exact totals of every campaign on node " + node.index, atMost, () -> {
      for (var entry : mix.expected.entrySet()) CampaignTotals.assertExact(http, entry.getKey(), entry.getValue());
    });
  }

  /** "org|user" of the first {@code n} distinct users of the mix. */
  private static List<String> someUsers(EventMix mix, int n) {
    return mix.records.stream().map(r -> r.key()).filter(k -> k.contains("|user")).distinct().limit(n).toList();
  }

  /**
   * Sends records in order on a thread of its own, 25 at a time, each chunk acknowledged before
   * the next and a pause after it (a steady stream, as clients send), until stopped or all are sent.
   */
  private final class SteadyStream {
    private static final int CHUNK = 25;
    private static final Duration PAUSE = Duration.ofMillis(100);
    private final List<ProducerRecord<String, byte[]>> records;
    private final AtomicInteger sent;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CompletableFuture<Void> running;

    /** Starts sending {@code records} from index {@code from}. */
    SteadyStream(List<ProducerRecord<String, byte[]>> records, int from) {
      this.records = records;
      this.sent = new AtomicInteger(from);
      running = CompletableFuture.runAsync(() -> {
        while (!stopped.get() && sent.get() < records.size()) {
          var to = Math.min(records.size(), sent.get() + CHUNK);
          TestProducer.produce(kafka.bootstrapServers(), records.subList(sent.get(), to));
          sent.set(to);
          pause();
        }
      });
    }

    /** The pace of the stream, not a wait for anything: about 150 records a second. */
    private static void pause() {
      try {
        Thread.sleep(PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** The records acknowledged so far (counting from the start of the list). */
    int sent() {
      return sent.get();
    }

    boolean isSending() {
      return !running.isDone();
    }

    /** Stops after the chunk in hand; the records sent. */
    int stop() {
      stopped.set(true);
      running.join();
      return sent.get();
    }

    /** Sends the rest at once. */
    void finish() {
      TestProducer.produce(kafka.bootstrapServers(), records.subList(stop(), records.size()));
      sent.set(records.size());
    }
  }

  /** The sum of {@code applied} in the pipeline status of {@code nodes}. */
  private static long applied(List<ProcessCluster.Node> nodes) {
    return nodes.stream().mapToLong(ThreeNodeProcessesTest::applied).sum();
  }

  /** Clicks {@code from} (inclusive) to {@code to} of the live test's organisation, each by a user of its own. */
  private List<ProducerRecord<String, byte[]>> clicks(int from, int to) {
    var records = new ArrayList<ProducerRecord<String, byte[]>>();
    for (int i = from; i < to; i++) {
      var json = "{\"eventId\":\"live-" + i + "\",\"eventType\":\"click\",\"campaignId\":\"live1\",\"organizationId\":\""
          + LIVE_ORGANIZATION + "\",\"timestamp\":" + Instant.now().toEpochMilli() + ",\"value\":0.5,\"metadata\":{\"userId\":\"live-u"
          + i + "\"}}";
      records.add(new ProducerRecord<>(topic, LIVE_ORGANIZATION + "|live-u" + i, json.getBytes(StandardCharsets.UTF_8)));
    }
    return records;
  }

  /** A dashboard client of the live test's organisation on {@code node}: subscribed, its updates streamed (SSE). */
  private static SseReader dashboard(ProcessCluster.Node node) throws Exception {
    var answer = node.http().postJson("/api/analytics/real-time/subscribe", "{\"organizationId\":\"" + LIVE_ORGANIZATION + "\"}");
    assertThat(answer.status()).as(answer.text()).isEqualTo(201);
    var id = answer.body().get("subscription").get("id").asText();
    return new SseReader("http://127.0.0.1:" + node.httpPort + "/api/analytics/real-time/updates?format=sse&subscriptionId=" + id, null);
  }

  /** The same once {@code node} takes the subscription (it may refuse while the cluster recovers from a death). */
  private SseReader dashboardOnceSubscribed(ProcessCluster.Node node) {
    var client = new AtomicReference<SseReader>();
    cluster.await("a subscription on node " + node.index, Duration.ofSeconds(60), () -> client.set(dashboard(node)));
    return client.get();
  }

  /** The total clicks of the newest dashboard the client got (snapshot or update), or -1 before any. */
  private static long lastTotalClicks(SseReader client) {
    var totals = client.events.stream().filter(e -> e.data().has("dashboard")).reduce((a, b) -> b);
    return totals.map(e -> e.data().get("dashboard").get("totalClicks").asLong()).orElse(-1L);
  }

  private static long applied(ProcessCluster.Node node) {
    return node.http().get("/api/analytics/real-time").body().get("applied").asLong();
  }

  @Test
  void threeNodesFormOneClusterSpreadTheShardsAndEachAnswersForEveryEntity() {
    var cluster = cluster(3);
    timed("three nodes started and Up", cluster::startAll);
    timed("three consumers share the partitions", () -> awaitConsumers(3));
    var mix = EventMix.generate(topic, 3_000, 51, Instant.now());
    TestProducer.produce(kafka.bootstrapServers(), mix.records);
    timed("exact totals on every node", () -> cluster.nodes().forEach(node -> awaitTotals(node, mix, Duration.ofSeconds(90))));
    cluster.await("the nodes' applied add up to the events", Duration.ofSeconds(30),
        () -> assertThat(applied(cluster.nodes())).isEqualTo(mix.records.size()));

    // every node holds shards of campaigns and of journeys, and no shard is on two nodes
    for (var type : List.of("Campaign", "Journey")) {
      var seen = new HashSet<String>();
      for (var node : cluster.nodes()) {
        var shards = node.shards(type).keySet();
        assertThat(shards).as(type + " shards on node " + node.index).isNotEmpty();
        assertThat(seen).as(type + " shards on two nodes").doesNotContainAnyElementsOf(shards);
        seen.addAll(shards);
      }
    }
    // a journey reads the same, whichever node is asked
    for (var user : someUsers(mix, 5)) {
      var org = user.substring(0, user.indexOf('|'));
      var path = "/api/users/" + user.substring(user.indexOf('|') + 1) + "/journey?organizationId=" + org;
      var answers = cluster.nodes().stream().map(node -> node.http().get(path)).toList();
      assertThat(answers.get(0).status()).as(answers.get(0).text()).isEqualTo(200);
      assertThat(answers.get(0).body().get("sessions")).as(user + "'s sessions").isNotEmpty();
      answers.forEach(answer -> assertThat(answer.body()).as(user + "'s journey").isEqualTo(answers.get(0).body()));
    }
  }

  @Test
  void aNodeKilledMidIngestHandsItsPartitionsAndShardsToTheOthersAndTheTotalsStayExactAndItsDashboardClientResumesElsewhere()
      throws Exception {
    var cluster = cluster(3);
    timed("three nodes started and Up", cluster::startAll);
    awaitConsumers(3);
    // the oldest node: the shard coordinator moves too
    var victim = cluster.node(1);
    var survivors = List.of(cluster.node(2), cluster.node(3));
    @SuppressWarnings("resource") // its stream ends with the node
    var client = dashboard(victim);
    var mix = EventMix.generate(topic, 6_000, 61, Instant.now());
    var half = mix.records.size() / 2;
    TestProducer.produce(kafka.bootstrapServers(), mix.records.subList(0, half));
    TestProducer.produce(kafka.bootstrapServers(), clicks(0, 40));
    cluster.await("node 1 applies events", Duration.ofSeconds(60), () -> assertThat(applied(victim)).isGreaterThanOrEqualTo(200));
    cluster.await("the dashboard client on node 1 sees 40 clicks", Duration.ofSeconds(60),
        () -> assertThat(lastTotalClicks(client)).isEqualTo(40));
    var victimShards = victim.shards("Campaign").keySet();
    assertThat(victimShards).as("campaign shards on the node to kill").isNotEmpty();

    // kill -9 while the second half goes to the broker
    var stream = new SteadyStream(mix.records, half);
    cluster.await("the second half starts going out", Duration.ofSeconds(30), () -> assertThat(stream.sent()).isGreaterThan(half));
    var appliedThere = applied(victim);
    victim.kill();
    System.out.printf("node 1 killed after %d records of the second half were sent, %d events applied there%n",
        stream.sent() - half, appliedThere);
    stream.finish();

    // the dashboard client's stream ends with its node; it subscribes on another, gets a snapshot
    // there, then updates of clicks sent after the death
    cluster.await("the stream from node 1 ends", Duration.ofSeconds(30), () -> assertThat(client.ended()).isTrue());
    var started = System.nanoTime();
    try (var resumed = dashboardOnceSubscribed(cluster.node(2))) {
      // heartbeats while the hub is out of reach, then the snapshot before anything else
      cluster.await("a snapshot on node 2", Duration.ofSeconds(90),
          () -> assertThat(resumed.events).anySatisfy(e -> assertThat(e.event()).isEqualTo("snapshot")));
      var first = resumed.events.stream().filter(e -> !e.event().equals("heartbeat")).findFirst().orElseThrow();
      assertThat(first.event()).isEqualTo("snapshot");
      assertThat(first.data().get("dashboard").get("totalClicks").asLong()).as("clicks in the snapshot on node 2").isEqualTo(40);
      System.out.printf("dashboard client resubscribed on node 2 with a snapshot in %.1f s%n", (System.nanoTime() - started) / 1e9);
      TestProducer.produce(kafka.bootstrapServers(), clicks(40, 70));
      cluster.await("an update on node 2 with the clicks sent after the death", Duration.ofSeconds(90),
          () -> assertThat(resumed.events).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo("update");
            assertThat(e.data().path("dashboard").path("totalClicks").asLong()).isEqualTo(70);
          }));
    }

    timed("node 1 removed, two members Up", cluster::awaitMembersUp);
    timed("two consumers share the partitions", () -> awaitConsumers(2));
    timed("exact totals on both survivors", () -> survivors.forEach(node -> awaitTotals(node, mix, Duration.ofSeconds(120))));
    // every campaign was asked for: the killed node's shards started again on the survivors
    var moved = new HashSet<String>();
    survivors.forEach(node -> moved.addAll(node.shards("Campaign").keySet()));
    assertThat(moved).as("campaign shards on the survivors").containsAll(victimShards);
    // what node 1 applied after it was last asked is redelivered to the survivors, and counted there as such
    assertThat(applied(survivors) + appliedThere).as("applied on the survivors and on node 1 when last asked")
        .isLessThanOrEqualTo(mix.records.size() + 70);
  }

  @Test
  void aNodeJoiningMidIngestAndARollingRestartOfAllThreeLoseNothingAndCountNothingTwice() {
    var cluster = cluster(3);
    var joining = cluster.node(3);
    timed("two nodes started and Up", () -> cluster.start(List.of(cluster.node(1), cluster.node(2))));
    awaitConsumers(2);
    // more than can go out while the nodes come and go: a prefix of a mix is a mix of its own
    var seed = 71;
    var now = Instant.now();
    var pool = EventMix.generate(topic, 60_000, seed, now).records;

    var stream = new SteadyStream(pool, 0);
    timed("node 3 joins mid-ingest and takes partitions", () -> {
      joining.start();
      joining.awaitAnswers();
      cluster.awaitMembersUp();
      awaitConsumers(3);
      cluster.await("node 3 applies events", Duration.ofSeconds(60), () -> assertThat(applied(joining)).isPositive());
    });
    assertThat(stream.isSending()).as("records still going out when node 3 took its part").isTrue();
    var joined = EventMix.generate(topic, stream.stop(), seed, now);
    System.out.printf("%d records sent while node 3 joined%n", joined.records.size());
    timed("exact totals on node 3", () -> awaitTotals(joining, joined, Duration.ofSeconds(90)));
    // every record committed: the status counted each delivery once at most (not exactly: see the README's "The status adds up")
    cluster.await("no lag in the ingest group", Duration.ofSeconds(90),
        () -> assertThat(joining.http().get("/api/analytics/real-time").body().get("totalLag").asLong()).isZero());
    System.out.printf("applied on the three nodes: %d for %d events%n", applied(cluster.nodes()), joined.records.size());
    assertThat(applied(cluster.nodes())).as("applied on the three nodes").isLessThanOrEqualTo(joined.records.size());

    var restarting = new SteadyStream(pool, joined.records.size());
    for (var node : cluster.nodes()) {
      timed("node " + node.index + " stopped (SIGTERM) and started again", () -> {
        node.stop();
        node.start();
        node.awaitAnswers();
        cluster.awaitMembersUp();
      });
    }
    assertThat(restarting.isSending()).as("records still going out when the last node was back").isTrue();
    var all = EventMix.generate(topic, restarting.stop(), seed, now);
    System.out.printf("%d records sent in all%n", all.records.size());
    awaitConsumers(3);
    timed("exact totals on every node", () -> cluster.nodes().forEach(node -> awaitTotals(node, all, Duration.ofSeconds(120))));
  }
}
