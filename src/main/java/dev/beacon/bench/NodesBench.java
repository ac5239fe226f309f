package dev.beacon.bench;

import dev.beacon.ingest.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code bench --nodes N}: Beacon as a cluster of N server JVMs ({@link NodeProcess}) on the
 * bench's broker and one PostgreSQL database, against one such JVM alone, with the same event
 * mix. Each run has a fresh topic, consumer group and schema. Once the group has given every
 * node its partitions, the mix goes out as fast as the producer sends it; a run ends when the group
 * has committed every record, and the campaign totals are then checked against an oracle over HTTP. It
 * measures events/s end to end, the CPU the nodes used, the messages and bytes the nodes sent each other (their
 * {@code beacon_remote_*} counters before and after) and the rows the journal took. A last run
 * kills one of the N nodes with kill -9 mid-ingest, sends the second half of its events after the
 * kill, and times what follows: the consumer group giving its partitions to the survivors, the
 * cluster removing the node, and a record sent after the kill committed on every partition; the
 * totals must still end exact.
 */
final class NodesBench {
  private static final Duration STALL = Duration.ofSeconds(120);
  /** The journal's connection pool of each node. */
  static final int DB_POOL = 8;
  private final BenchOptions options;
  private final PrintStream out;
  private final Path workDir;
  private final String bootstrap;

  NodesBench(BenchOptions options, PrintStream out, Path workDir, String bootstrap) {
    this.options = options;
    this.out = out;
    this.workDir = workDir;
    this.bootstrap = bootstrap;
  }

  /**
   * One run: events/s end to end, the cores the nodes' JVMs used meanwhile (their CPU time over
   * the wall time) and events per second of one such core, remote hops per second and per event,
   * journal rows per second and bytes per event (the journal table's growth, its indexes included),
   * records delivered again (after a rebalance of the consumer group); the oracle's verdict.
   */
  record Run(int nodes, long events, double seconds, double eventsPerSecond, double coresUsed, double eventsPerCoreSecond,
      double remoteMessagesPerSecond,
      double remoteBytesPerSecond, double remoteMessagesPerEvent, double journalRowsPerSecond, double journalBytesPerEvent,
      long redelivered, Map<String, Long> remoteBytesByMessage, String verdict) {}

  /**
   * The kill run: the records consumed when one node was killed, then seconds from the kill until
   * the consumer group had given all partitions to the survivors, until the cluster had removed the
   * node, and until a record sent after the kill was committed on every partition; the verdict.
   */
  record Failover(int nodes, long events, long killedAt, double groupReassignedSeconds, double memberRemovedSeconds,
      double consumingAgainSeconds, double seconds, String verdict) {}

  record Results(List<Run> runs, Failover failover) {}

  Results measure() throws Exception {
    var runs = new ArrayList<Run>();
    runs.add(run(1));
    runs.add(run(options.nodes()));
    var failover = failover(options.nodes());
    return new Results(runs, failover);
  }

  /** A cluster of {@code nodes} on a fresh topic, group and schema; stopped and dropped after {@code work}. */
  private <T> T withCluster(int nodes, String label, ClusterWork<T> work) throws Exception {
    var id = UUID.randomUUID().toString().substring(0, 8);
    var topic = "bench-nodes-" + id;
    var schema = "beacon_bench_" + id;
    try (var admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, options.partitions(), (short) 1))).all().get();
      Topics.awaitLeaders(admin, List.of(topic));
    }
    sql("CREATE SCHEMA " + schema);
    var cluster = new ArrayList<NodeProcess>();
    try {
      var ports = new ArrayList<int[]>();
      for (int i = 0; i < nodes; i++) ports.add(NodeProcess.freePorts());
      var env = new HashMap<>(Map.of("BEACON_KAFKA_BOOTSTRAP", bootstrap, "BEACON_KAFKA_TOPIC", topic,
          "BEACON_KAFKA_DLQ_TOPIC", topic + ".dlq", "BEACON_KAFKA_PARTITIONS", Integer.toString(options.partitions()),
          "BEACON_KAFKA_GROUP_ID", "bench-" + id, "BEACON_DB_USER", options.dbUser(), "BEACON_DB_PASSWORD", options.dbPassword(),
          "BEACON_JOURNEYS", options.journeys() ? "on" : "off"));
      // every node of every run the same pool, and three of them within PostgreSQL's 100 connections
      env.put("BEACON_BEHAVIOUR_ENABLED", options.behaviour() ? "on" : "off");
      env.put("BEACON_DB_MAX_POOL_SIZE", Integer.toString(DB_POOL));
      env.put("BEACON_DB_URL", options.dbUrl() + (options.dbUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema);
      env.put("BEACON_BANDIT_INTERACTIONS_TOPIC", topic + ".interactions");
      env.put("BEACON_BANDIT_INTERACTIONS_DLQ_TOPIC", topic + ".interactions.dlq");
      env.put("BEACON_BANDIT_INTERACTIONS_GROUP_ID", "bench-bandit-" + id);
      env.put("BEACON_BANDIT_PREDICTIONS_TOPIC", topic + ".predictions");
      if (nodes > 1) env.put("BEACON_CLUSTER_SEED_NODES", "pekko://beacon@127.0.0.1:" + ports.get(0)[2]);
      if (options.batchSize() > 0) env.put("BEACON_INGEST_BATCH_SIZE", Integer.toString(options.batchSize()));
      if (options.batchWindow() != null) env.put("BEACON_INGEST_BATCH_WINDOW", options.batchWindow());
      out.printf("  %s: starting %d node%s ...%n", label, nodes, nodes == 1 ? "" : "s");
      // the seed first, which forms the cluster (and makes the schema); then the others together
      cluster.add(NodeProcess.start(workDir.resolve(id + "-node0"), ports.get(0), env));
      cluster.get(0).awaitAnswering(Duration.ofMinutes(3));
      for (int i = 1; i < nodes; i++) cluster.add(NodeProcess.start(workDir.resolve(id + "-node" + i), ports.get(i), env));
      for (var node : cluster) node.awaitAnswering(Duration.ofMinutes(3));
      awaitGroupSpread("bench-" + id, topic, nodes);
      return work.run(cluster, topic, "bench-" + id, schema);
    } finally {
      for (var node : cluster) node.close();
      sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @FunctionalInterface
  private interface ClusterWork<T> {
    T run(List<NodeProcess> cluster, String topic, String group, String schema) throws Exception;
  }

  private Run run(int nodes) throws Exception {
    return withCluster(nodes, nodes + " node" + (nodes == 1 ? "" : "s"), (cluster, topic, group, schema) -> {
      var oracle = new RetryOracle();
      // a tenth as many events first, unmeasured: the JIT compiles and the campaigns' entities recover
      var warmUp = Math.max(1, options.events() / 10);
      produce(topic, oracle, options.seed() + 1, warmUp).get();
      awaitCommitted(group, topic, "warm-up " + nodes);
      var trafficBefore = remoteTraffic(cluster);
      var rowsBefore = journalRows(schema);
      var journalBefore = journalBytes(schema);
      var cpuBefore = cpuSeconds(cluster);
      var started = System.nanoTime();
      produce(topic, oracle, options.seed(), options.events()).get();
      awaitCommitted(group, topic, nodes + " node" + (nodes == 1 ? "" : "s"));
      var seconds = (System.nanoTime() - started) / 1e9;
      var cpu = cpuSeconds(cluster) - cpuBefore;
      var traffic = difference(remoteTraffic(cluster), trafficBefore);
      var rows = journalRows(schema) - rowsBefore;
      var journal = journalBytes(schema) - journalBefore;
      long redelivered = 0;
      for (var node : cluster) redelivered += (long) node.sum("beacon_ingest_redelivered_total");
      var verdict = verdict(cluster.get(0), oracle);
      var messages = traffic.getOrDefault("beacon_remote_messages_sent_total", Map.of()).values().stream().mapToLong(Long::longValue).sum();
      var bytes = traffic.getOrDefault("beacon_remote_bytes_sent_total", Map.of());
      var bytesSum = bytes.values().stream().mapToLong(Long::longValue).sum();
      var result = new Run(nodes, options.events(), seconds, options.events() / seconds, cpu / seconds, options.events() / cpu,
          messages / seconds, bytesSum / seconds,
          (double) messages / options.events(), rows / seconds, (double) journal / options.events(), redelivered, bytes, verdict);
      out.printf("  -> %d node%s: %,.0f events/s on %.2f cores of Beacon, %,.0f remote messages/s (%.2f per event), %,.0f KB/s between nodes, "
              + "%,.0f journal rows/s, %,.0f journal bytes per event; %s%n", nodes, nodes == 1 ? "" : "s", result.eventsPerSecond(),
          result.coresUsed(), result.remoteMessagesPerSecond(), result.remoteMessagesPerEvent(), result.remoteBytesPerSecond() / 1024,
          result.journalRowsPerSecond(), result.journalBytesPerEvent(), verdict);
      if (redelivered > 0) out.printf("     %,d records delivered again after a rebalance of the consumer group%n", redelivered);
      return result;
    });
  }

  private Failover failover(int nodes) throws Exception {
    return withCluster(nodes, "kill -9 one of " + nodes, (cluster, topic, group, schema) -> {
      // with two nodes keep-majority keeps the side of the lowest address, so the victim is the highest
      var victim = cluster.stream().max(java.util.Comparator.comparingInt(n -> n.clusterPort)).orElseThrow();
      var survivor = cluster.stream().filter(n -> n != victim).findFirst().orElseThrow();
      var oracle = new RetryOracle();
      var started = System.nanoTime();
      // half the events before the kill, half after: every partition, the victim's too, then has records
      // that only a survivor can consume, whatever the victim had caught up with when it died
      var before = options.events() / 2;
      var produced = produce(topic, oracle, options.seed(), before);
      long killedAt;
      while (true) {
        long consumed = 0;
        for (var node : cluster) consumed += (long) node.sum("beacon_ingest_consumed_total");
        if (consumed >= before / 2) {
          killedAt = consumed;
          break;
        }
        Thread.sleep(50);
      }
      produced.get();
      try (var admin = admin()) {
        victim.kill();
        var killed = System.nanoTime();
        var atKill = ends(admin, topic);
        produce(topic, oracle, options.seed() + 2, options.events() - before).get();
        var ends = ends(admin, topic);
        out.printf("  killed node on cluster port %d (kill -9) at %,d records consumed%n", victim.clusterPort, killedAt);
        double reassigned = -1;
        double removed = -1;
        double again = -1;
        var lastProgress = System.nanoTime();
        Map<Integer, Long> lastCommitted = Map.of();
        while (true) {
          var now = System.nanoTime();
          var elapsed = (now - killed) / 1e9;
          if (reassigned < 0 && assignedToAll(admin, group, topic, nodes - 1)) reassigned = elapsed;
          if (removed < 0) {
            var members = survivor.members();
            if (members.path("members").size() == nodes - 1 && members.path("unreachable").isEmpty()) removed = elapsed;
          }
          var committed = committed(admin, group);
          if (!committed.equals(lastCommitted)) lastProgress = now;
          lastCommitted = committed;
          if (again < 0 && consumedAgain(atKill, committed, ends)) {
            again = elapsed;
            // a commit on each of the victim's partitions means the group gave them to a survivor, even if the
            // group's description was read a moment before it did
            if (reassigned < 0) reassigned = elapsed;
          }
          if (again >= 0 && removed >= 0 && reassigned >= 0 && committed.equals(ends)) break;
          if (now - lastProgress > STALL.toNanos()) throw new IllegalStateException("after the kill, no commit for "
              + STALL.toSeconds() + " s: committed " + committed + ", ends " + ends);
          Thread.sleep(200);
        }
        var seconds = (System.nanoTime() - started) / 1e9;
        var verdict = verdict(survivor, oracle);
        out.printf("  -> kill -9: partitions reassigned after %.1f s, node removed after %.1f s, every partition consumed "
            + "again after %.1f s; %s%n", reassigned, removed, again, verdict);
        return new Failover(nodes, options.events(), killedAt, reassigned, removed, again, seconds, verdict);
      }
    });
  }

  /**
   * Waits until the group has committed every record of {@code topic}, printing progress: each
   * record then is in a batch that every entity it touches persisted. (The nodes' counters would
   * not do: a batch that failed after its entities persisted is counted by none, and one
   * completed but not committed before a rebalance is counted twice.)
   */
  private void awaitCommitted(String group, String topic, String label) throws Exception {
    try (var admin = admin()) {
      var ends = ends(admin, topic);
      var total = ends.values().stream().mapToLong(Long::longValue).sum();
      try (var progress = new Progress(out, label, total)) {
        var lastProgress = System.nanoTime();
        long done = -1;
        while (true) {
          var committed = committed(admin, group);
          var sum = committed.values().stream().mapToLong(Long::longValue).sum();
          if (sum > done) lastProgress = System.nanoTime();
          done = sum;
          progress.set(done);
          if (ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue())) return;
          if (System.nanoTime() - lastProgress > STALL.toNanos()) {
            throw new IllegalStateException(label + " stalled at " + done + " of " + total + " records committed");
          }
          Thread.sleep(100);
        }
      }
    }
  }

  // Producing and the oracle

  /**
   * Sends {@code count} events of the mix made from {@code seed} in the background, counting them in
   * {@code oracle}; the future completes once the broker has every record.
   */
  private CompletableFuture<Void> produce(String topic, RetryOracle oracle, long seed, long count) {
    return CompletableFuture.runAsync(() -> {
      var events = new BenchEvents(seed, options.campaigns(), options.users(), false);
      var from = System.currentTimeMillis() - 3_600_000L;
      try (var producer = BenchProducer.create(bootstrap)) {
        for (long i = 0; i < count; i++) {
          var e = events.next(from + i * 3_600_000L / count);
          oracle.counted(e);
          oracle.sent++;
          producer.send(new ProducerRecord<>(topic, e.key(), e.json()));
        }
        producer.flush();
      }
    });
  }

  /**
   * Every campaign total against the oracle over HTTP, through {@code node}; the line that says so.
   * Asked again for up to a minute while any differs: after a kill, the entities of the killed
   * node's shards answer once their shards are allocated again and they have recovered.
   */
  private String verdict(NodeProcess node, RetryOracle oracle) throws Exception {
    var until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    var wrong = new ArrayList<>(oracle.mismatches(node.httpPort));
    while (!wrong.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(1_000);
      wrong = new ArrayList<>(oracle.mismatches(node.httpPort));
    }
    return wrong.isEmpty() ? "every campaign total exact (" + oracle.distinct + " events)"
        : wrong.size() + " differences, first: " + wrong.subList(0, Math.min(5, wrong.size()));
  }

  // Kafka: the group, its offsets

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /** Waits until the group has {@code members} members, each with partitions of {@code topic}. */
  private void awaitGroupSpread(String group, String topic, int members) throws Exception {
    try (var admin = admin()) {
      var until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!assignedToAll(admin, group, topic, members)) {
        if (System.nanoTime() > until) throw new IllegalStateException("the consumer group " + group + " did not give "
            + members + " members partitions within 2 minutes");
        Thread.sleep(250);
      }
    }
  }

  /** Whether the group has exactly {@code members} members, each with partitions, and every partition of {@code topic} is assigned. */
  private boolean assignedToAll(Admin admin, String group, String topic, int members) throws Exception {
    var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    if (description.members().size() != members) return false;
    var assigned = new java.util.HashSet<TopicPartition>();
    for (var member : description.members()) {
      var mine = member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).toList();
      if (mine.isEmpty()) return false;
      assigned.addAll(mine);
    }
    return assigned.size() == options.partitions();
  }

  private static Map<Integer, Long> committed(Admin admin, String group) throws Exception {
    return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset(), (a, b) -> a, TreeMap::new));
  }

  private Map<Integer, Long> ends(Admin admin, String topic) throws Exception {
    var request = new HashMap<TopicPartition, OffsetSpec>();
    for (int p = 0; p < options.partitions(); p++) request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    return admin.listOffsets(request).all().get().entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset(), (a, b) -> a, TreeMap::new));
  }

  /**
   * Whether every partition that had records produced after the kill has had one of them committed:
   * the killed node's partitions too, which only a survivor can consume.
   */
  private static boolean consumedAgain(Map<Integer, Long> endsAtKill, Map<Integer, Long> committed, Map<Integer, Long> ends) {
    for (var end : ends.entrySet()) {
      var atKill = endsAtKill.getOrDefault(end.getKey(), 0L);
      if (atKill < end.getValue() && committed.getOrDefault(end.getKey(), 0L) <= atKill) return false;
    }
    return true;
  }

  // What the nodes count

  /** The nodes' {@code beacon_remote_*_sent_total}, summed over the nodes, by meter and message. */
  private static Map<String, Map<String, Long>> remoteTraffic(List<NodeProcess> cluster) throws Exception {
    var traffic = new HashMap<String, Map<String, Long>>();
    for (var node : cluster) {
      for (var sample : node.metrics("beacon_remote_").entrySet()) {
        var key = sample.getKey();
        var brace = key.indexOf('{');
        var name = brace < 0 ? key : key.substring(0, brace);
        var message = brace < 0 ? "" : key.replaceAll(".*message=\"([^\"]*)\".*", "$1");
        traffic.computeIfAbsent(name, k -> new HashMap<>()).merge(message, sample.getValue().longValue(), Long::sum);
      }
    }
    return traffic;
  }

  private static Map<String, Map<String, Long>> difference(Map<String, Map<String, Long>> after,
      Map<String, Map<String, Long>> before) {
    var difference = new HashMap<String, Map<String, Long>>();
    after.forEach((name, byMessage) -> byMessage.forEach((message, value) -> difference
        .computeIfAbsent(name, k -> new LinkedHashMap<>())
        .put(message, value - before.getOrDefault(name, Map.of()).getOrDefault(message, 0L))));
    return difference;
  }

  /** The CPU time the nodes' JVMs have used, in seconds ({@code process_cpu_time_ns_total}). */
  private static double cpuSeconds(List<NodeProcess> cluster) throws Exception {
    double seconds = 0;
    for (var node : cluster) seconds += node.sum("process_cpu_time_ns_total") / 1e9;
    return seconds;
  }

  private long journalRows(String schema) throws Exception {
    try (var c = DriverManager.getConnection(options.dbUrl(), options.dbUser(), options.dbPassword());
         var st = c.createStatement(); var rows = st.executeQuery("SELECT count(*) FROM " + schema + ".event_journal")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private long journalBytes(String schema) throws Exception {
    try (var c = DriverManager.getConnection(options.dbUrl(), options.dbUser(), options.dbPassword());
         var st = c.createStatement();
         var size = st.executeQuery("SELECT pg_total_relation_size('" + schema + ".event_journal')")) {
      size.next();
      return size.getLong(1);
    }
  }

  private void sql(String statement) throws Exception {
    try (var c = DriverManager.getConnection(options.dbUrl(), options.dbUser(), options.dbPassword()); var st = c.createStatement()) {
      st.execute(statement);
    }
  }

  // Reporting

  /** The table of the runs and the kill, as the other sections print theirs. */
  static void print(Results results, PrintStream out) {
    out.println();
    out.printf("%-8s %12s %10s %12s %8s %12s %12s %12s %10s %14s %16s%n", "nodes", "events", "seconds", "events/s", "cores",
        "events/core", "remote msg/s", "remote KB/s", "msg/event", "journal rows/s", "journal B/event");
    for (var r : results.runs()) {
      out.printf("%-8d %,12d %10.2f %,12.0f %8.2f %,12.0f %,12.0f %,12.0f %10.2f %,14.0f %,16.0f%n", r.nodes(), r.events(), r.seconds(),
          r.eventsPerSecond(), r.coresUsed(), r.eventsPerCoreSecond(), r.remoteMessagesPerSecond(), r.remoteBytesPerSecond() / 1024, r.remoteMessagesPerEvent(),
          r.journalRowsPerSecond(), r.journalBytesPerEvent());
    }
    for (var r : results.runs()) {
      if (r.remoteBytesByMessage().isEmpty()) continue;
      var total = r.remoteBytesByMessage().values().stream().mapToLong(Long::longValue).sum();
      var shares = r.remoteBytesByMessage().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(6).map(e -> String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / Math.max(1, total)))
          .collect(Collectors.joining(", "));
      out.printf("remote bytes by message, %d nodes: %s%n", r.nodes(), shares);
    }
    var f = results.failover();
    out.println();
    out.printf("%-22s %12s %12s %12s %12s %12s%n", "kill -9", "killed at", "reassigned s", "removed s", "consuming s", "total s");
    out.printf("%-22s %,12d %12.1f %12.1f %12.1f %12.1f%n", "1 of " + f.nodes() + " nodes", f.killedAt(),
        f.groupReassignedSeconds(), f.memberRemovedSeconds(), f.consumingAgainSeconds(), f.seconds());
    out.println();
    for (var r : results.runs()) out.println("oracle " + r.nodes() + " node" + (r.nodes() == 1 ? "" : "s") + ": " + r.verdict());
    out.println("oracle kill -9 one of " + f.nodes() + ": " + f.verdict());
    out.println("node JVMs: " + String.join(" ", NodeProcess.JVM_OPTIONS) + "; BEACON_DB_MAX_POOL_SIZE=" + DB_POOL);
  }
}
