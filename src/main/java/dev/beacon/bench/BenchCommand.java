package dev.beacon.bench;

import ch.qos.logback.classic.Level;
import com.typesafe.config.ConfigFactory;
import dev.beacon.BeaconServer;
import dev.beacon.common.BeaconConfig;
import dev.beacon.common.Json;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.ingest.Topics;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar beacon.jar bench}: one run, one machine, side by side. Pre-produces the
 * events to fresh topics on an in-JVM broker, reads them raw (the ceiling), runs the full
 * pipeline (parse, validate, dedup, entities persisted, offsets committed) on H2 and on
 * PostgreSQL for the mix and the hot key, then measures latency at a fixed offered rate. Prints
 * a table (and JSON with --json). Everything it starts it stops; its broker and H2 files live
 * in a temporary folder it deletes, and its PostgreSQL schemas are dropped.
 */
public final class BenchCommand {
  private static final Duration STALL = Duration.ofSeconds(60);
  private final BenchOptions options;
  private final PrintStream out;
  private final Path workDir;
  private EmbeddedKafka kafka;

  private BenchCommand(BenchOptions options, PrintStream out, Path workDir) {
    this.options = options;
    this.out = out;
    this.workDir = workDir;
  }

  /** Runs every scenario with {@code options} and prints the results; returns the exit status. */
  static int measure(BenchOptions options, PrintStream out, PrintStream err) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    Path workDir;
    try {
      workDir = Files.createTempDirectory("beacon-bench");
    } catch (java.io.IOException e) {
      err.println("bench: cannot create a temporary folder: " + e.getMessage());
      return 1;
    }
    var bench = new BenchCommand(options, out, workDir);
    try {
      bench.runAll();
      return 0;
    } catch (Exception e) {
      err.println("bench failed: " + e);
      e.printStackTrace(err);
      return 1;
    } finally {
      if (bench.kafka != null) bench.kafka.close();
      deleteTree(workDir);
    }
  }

  record Scenario(String name, String database, String workload, long events, double seconds, double eventsPerSecond,
      Double ratioToRaw, long heapUsedMb) {}

  /**
   * Event time → persisted at a fixed offered rate, and its parts: event time → its batch began
   * ({@code waited}) and the batch's own time ({@code applying}).
   */
  record Latency(String database, int offeredRate, int seconds, long events, long p50Millis, long p95Millis,
      long p99Millis, long maxMillis, long waitedP50Millis, long waitedP99Millis, long applyingP50Millis,
      long applyingP99Millis, Live live) {}

  /**
   * The dashboards during a latency run: clients connected (of them idle), feed rows and frames
   * they received per second, event time → receipt, heap after a GC before the clients connected
   * and after the run, and what the server counted (clients cut, updates conflated and dropped).
   */
  record Live(int clients, int idle, int connected, double framesPerSecond, double rowsPerSecond, long p50Millis,
      long p95Millis, long p99Millis, long maxMillis, long heapBeforeMb, long heapAfterMb, long disconnected,
      long conflated, long dropped) {}

  private void runAll() throws Exception {
    var started = System.nanoTime();
    if (options.banditRewards() > 0) {
      rewards(started);
      return;
    }
    if (options.nodes() > 1) {
      nodes(started);
      return;
    }
    if (options.erasure() > 0) {
      erasure(started);
      return;
    }
    if (options.routes()) {
      routes(started);
      return;
    }
    out.printf("Beacon bench: %,d events per scenario, %,d campaigns, %,d users, %d partitions%n",
        options.events(), options.campaigns(), options.users(), options.partitions());
    if (options.bandit()) {
      // first, on cores nothing else uses yet
      out.println("  bandit: LinUCB decide and update, d = 21, 4 arms, one thread ...");
      bandit = BanditTiming.measure(15);
    }
    kafka = EmbeddedKafka.start(workDir.resolve("kafka"), 0, 0);
    var scenarios = new ArrayList<Scenario>();
    var workloads = new ArrayList<String>(List.of("mix"));
    if (options.hotKey()) workloads.add("hot-key");
    if (options.retries()) workloads.add("retries");
    if (options.late()) workloads.add("late");
    var topics = new LinkedHashMap<String, String>();
    for (var workload : workloads) {
      var topic = "bench-" + workload + "-" + UUID.randomUUID().toString().substring(0, 8);
      createTopic(topic);
      var oracle = workload.equals("retries") ? new RetryOracle() : null;
      var seconds = produce(topic, options.events(), workload.equals("hot-key"), workload.equals("late"), oracle);
      var records = oracle == null ? options.events() : oracle.sent;
      scenarios.add(new Scenario("produce", "-", workload, records, seconds, records / seconds, null, heapMb()));
      topics.put(workload, topic);
      if (oracle != null) oracles.put(workload, oracle);
    }
    var raw = new LinkedHashMap<String, Double>();
    for (var entry : topics.entrySet()) {
      var records = records(entry.getKey());
      var seconds = readRaw(entry.getValue(), records);
      raw.put(entry.getKey(), records / seconds);
      scenarios.add(new Scenario("raw consumer", "-", entry.getKey(), records, seconds, records / seconds, 1.0, heapMb()));
    }
    var databases = databases();
    for (var database : databases) {
      for (var entry : topics.entrySet()) {
        var records = records(entry.getKey());
        var seconds = pipeline(database, entry.getKey(), entry.getValue(), records);
        var rate = records / seconds;
        out.printf("  -> pipeline %s/%s: %,.0f events/s%n", database, entry.getKey(), rate);
        if (entry.getKey().equals("late")) {
          var line = String.format("restatements %s/late: %,d events out of order re-derived their journey (%,.0f per second), "
                  + "%,d conversions restated (%,.0f per second), %,d events too late for journeys",
              database, lastOutOfOrder, lastOutOfOrder / seconds, lastRestated, lastRestated / seconds, lastTooLate);
          out.println("  -> " + line);
          verdicts.add(line);
        }
        scenarios.add(new Scenario("pipeline", database, entry.getKey(), records, seconds, rate,
            rate / raw.get(entry.getKey()), heapMb()));
      }
    }
    var latencies = new ArrayList<Latency>();
    if (options.latencySeconds() > 0) {
      for (var database : databases) latencies.addAll(latency(database));
    }
    var total = (System.nanoTime() - started) / 1e9;
    report(scenarios, latencies, total);
  }

  private List<String> databases() {
    var databases = new ArrayList<String>();
    if (options.h2()) databases.add("h2");
    if (options.dbUrl() != null) databases.add("postgresql");
    return databases;
  }

  /**
   * {@code --bandit-rewards N}, alone: on each database, a first server creates the model (its
   * stream has nothing to read yet) and stops; N interactions are produced; a second server on
   * the same database learns them.
   */
  private void rewards(long started) throws Exception {
    var n = options.banditRewards();
    out.printf("Beacon bench: %,d rewards through Kafka to one model entity, %d partitions%n", n, options.partitions());
    kafka = EmbeddedKafka.start(workDir.resolve("kafka"), 0, 0);
    var results = new ArrayList<BanditRewards.Result>();
    for (var database : databases()) {
      var id = UUID.randomUUID().toString().substring(0, 8);
      var topic = "bench-rewards-" + id;
      var first = startServer(database, topic, id, true);
      try {
        BanditRewards.configure(first.httpPort());
      } finally {
        first.stop().toCompletableFuture().get();
      }
      double produceSeconds;
      try (var producer = producer()) {
        produceSeconds = BanditRewards.produce(producer, topic + ".interactions", n, options.seed(), out);
      }
      var server = startServer(database, topic, id, false);
      try {
        var result = BanditRewards.learn(server, database, n, produceSeconds, out);
        out.printf("  -> rewards %s: %,.0f/s%n", database, result.rewardsPerSecond());
        results.add(result);
      } finally {
        server.stop().toCompletableFuture().get();
        dropSchemas();
      }
    }
    BanditRewards.print(results, out);
    var params = new LinkedHashMap<String, Object>();
    params.put("rewards", n);
    params.put("partitions", options.partitions());
    var bandit = BeaconConfig.load().getConfig("beacon.bandit");
    params.put("batchSize", options.batchSize() > 0 ? options.batchSize() : bandit.getInt("interactions-batch-size"));
    params.put("batchWindow", options.batchWindow() != null ? options.batchWindow() : bandit.getString("interactions-batch-window"));
    params.put("seed", options.seed());
    conclude(started, params, "rewards", results);
  }

  /** The end of a run that measures one thing: the JVM, parameters and time; the JSON with {@code results} as {@code name}. */
  private void conclude(long started, Map<String, Object> params, String name, Object results) throws java.io.IOException {
    var totalSeconds = (System.nanoTime() - started) / 1e9;
    out.println();
    out.println("JVM: " + jvm());
    out.println("Parameters: " + params);
    out.printf("Total bench time: %.1f s%n", totalSeconds);
    if (options.json() != null) {
      var json = new LinkedHashMap<String, Object>();
      json.put("jvm", jvm());
      json.put("parameters", params);
      json.put(name, results);
      json.put("totalSeconds", totalSeconds);
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(options.json().toFile(), json);
      out.println("Wrote " + options.json());
    }
  }

  /**
   * {@code --nodes N}, alone: the mix through one server JVM and through a cluster of N, then N
   * with one killed half way (see {@link NodesBench}).
   */
  private void nodes(long started) throws Exception {
    out.printf("Beacon bench: %,d events per run through 1 and %d server JVMs on one broker and PostgreSQL, %,d campaigns, "
        + "%,d users, %d partitions%n", options.events(), options.nodes(), options.campaigns(), options.users(), options.partitions());
    kafka = EmbeddedKafka.start(workDir.resolve("kafka"), 0, 0);
    var results = new NodesBench(options, out, workDir, kafka.bootstrapServers()).measure();
    NodesBench.print(results, out);
    var params = new LinkedHashMap<String, Object>();
    params.put("events", options.events());
    params.put("nodes", options.nodes());
    params.put("campaigns", options.campaigns());
    params.put("users", options.users());
    params.put("partitions", options.partitions());
    params.put("journeys", options.journeys());
    params.put("behaviour", options.behaviour());
    params.put("seed", options.seed());
    conclude(started, params, "nodes", results);
  }

  /** {@code --erasure N}, alone, on PostgreSQL: see {@link ErasureBench}. */
  private void erasure(long started) throws Exception {
    var n = options.erasure();
    out.printf("Beacon bench: erasure of one user with %,d events, on PostgreSQL, %d partitions%n", n, options.partitions());
    kafka = EmbeddedKafka.start(workDir.resolve("kafka"), 0, 0);
    var id = UUID.randomUUID().toString().substring(0, 8);
    var topic = "bench-erasure-" + id;
    createTopic(topic);
    var userId = "erasure-user-" + id;
    var server = startServer("postgresql", topic, id, true);
    ErasureBench.Result result;
    try (var producer = producer()) {
      var fillSeconds = ErasureBench.fill(server, producer, topic, userId, n, out);
      result = ErasureBench.erase(server, schemaUrl(id), options.dbUser(), options.dbPassword(), userId, n, fillSeconds, out);
    } finally {
      server.stop().toCompletableFuture().get();
      dropSchemas();
    }
    ErasureBench.print(result, out);
    var params = new LinkedHashMap<String, Object>();
    params.put("erasureUserEvents", n);
    params.put("userEventsPerRound", ErasureBench.ROUND);
    params.put("partitions", options.partitions());
    params.put("behaviour", options.behaviour());
    conclude(started, params, "erasure", result);
  }

  /** {@code --routes}, alone: see {@link RoutesBench}. */
  private void routes(long started) throws Exception {
    out.printf("Beacon bench: %,d events per intake route, %d concurrent HTTP clients, keys required, %d partitions%n",
        options.events(), options.senders(), options.partitions());
    var loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    kafka = EmbeddedKafka.start(workDir.resolve("kafka"), 0, 0);
    var secret = new byte[24];
    new java.security.SecureRandom().nextBytes(secret);
    var adminKey = java.util.HexFormat.of().formatHex(secret);
    var runs = new ArrayList<RoutesBench.Run>();
    for (var database : databases()) {
      var id = UUID.randomUUID().toString().substring(0, 8);
      var topic = "bench-routes-" + id;
      createTopic(topic);
      var server = startServer(database, topic, id, true, RoutesBench.serverConfig(adminKey));
      try {
        runs.addAll(new RoutesBench(server, database, adminKey, options, out).measure());
      } finally {
        server.stop().toCompletableFuture().get();
        dropSchemas();
      }
    }
    RoutesBench.print(runs, out);
    var params = new LinkedHashMap<String, Object>();
    params.put("eventsPerRoute", options.events());
    params.put("senders", options.senders());
    params.put("users", SiteEvents.USERS);
    params.put("campaigns", SiteEvents.CAMPAIGNS);
    params.put("ingestRequestsPerSecondPerKey", RoutesBench.INGEST_REQUESTS_PER_SECOND);
    // the machine's load average over the last minute: other work on its cores takes from the figures
    params.put("loadAverageBefore", loadBefore);
    params.put("loadAverageAfter", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    params.put("partitions", options.partitions());
    params.put("journeys", options.journeys());
    params.put("behaviour", options.behaviour());
    params.put("seed", options.seed());
    conclude(started, params, "routes", runs);
    var wrong = runs.stream().filter(r -> !r.check().equals("exact")).map(r -> r.database() + " " + r.route() + ": " + r.check())
        .toList();
    if (!wrong.isEmpty()) throw new IllegalStateException("counts not exact: " + wrong);
  }

  /** The oracle of each workload that has one (the retries workload). */
  private final Map<String, RetryOracle> oracles = new LinkedHashMap<>();
  /** Each oracle's verdict per database: "exact", or what differs. */
  private final List<String> verdicts = new ArrayList<>();

  private long records(String workload) {
    var oracle = oracles.get(workload);
    return oracle == null ? options.events() : oracle.sent;
  }

  // Producing and reading raw

  private void createTopic(String topic) throws Exception {
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, options.partitions(), (short) 1))).all().get();
      Topics.awaitLeaders(admin, List.of(topic));
    }
  }

  private KafkaProducer<String, byte[]> producer() {
    return BenchProducer.create(kafka.bootstrapServers());
  }

  /** What the latest pipeline run's journeys restated and found too late. */
  private long lastRestated;
  private long lastTooLate;
  private long lastOutOfOrder;

  /** Event time spread over the last hour, running forward with the events. */
  private static final long SPAN_MILLIS = 3_600_000L;
  /** The late workload holds events back by up to this much event time. */
  private static final long MAX_DELAY_MILLIS = 30 * 60_000L;

  /**
   * Produces {@code n} distinct events, their event times running forward over the last hour.
   * With an oracle (the retries workload), 10% of them are sent twice, as a retrying client
   * would: half right after the original (same key, so the next offset of the same partition: the
   * same micro-batch), half about 50,000 events later. Late (the late workload): 10% are held
   * back and sent once the stream's event time has moved on by a random delay of up to 30
   * minutes, as a mobile app flushing its queue would send them.
   */
  private double produce(String topic, long n, boolean hotKey, boolean late, RetryOracle oracle) {
    var events = new BenchEvents(options.seed(), options.campaigns(), options.users(), hotKey);
    var retries = new java.util.SplittableRandom(options.seed() + 7);
    var later = new java.util.ArrayDeque<Map.Entry<Long, BenchEvents.Generated>>();
    var delays = new java.util.SplittableRandom(options.seed() + 11);
    var held = new java.util.PriorityQueue<Map.Entry<Long, BenchEvents.Generated>>(Map.Entry.comparingByKey());
    var from = System.currentTimeMillis() - SPAN_MILLIS;
    var started = System.nanoTime();
    var failed = new java.util.concurrent.atomic.AtomicReference<Exception>();
    org.apache.kafka.clients.producer.Callback onError = (m, error) -> {
      if (error != null) failed.compareAndSet(null, error);
    };
    try (var producer = producer(); var progress = new Progress(out, "produce " + topic, n)) {
      for (long i = 0; i < n && failed.get() == null; i++) {
        // Event times spread over the last hour, so minute windows and sessions have work to do.
        var at = from + (i * SPAN_MILLIS / n);
        var e = events.next(at);
        while (!held.isEmpty() && held.peek().getKey() <= at) {
          var g = held.poll().getValue();
          producer.send(new ProducerRecord<>(topic, g.key(), g.json()), onError);
        }
        if (late && delays.nextInt(10) == 0) {
          held.add(Map.entry(at + 1 + delays.nextLong(MAX_DELAY_MILLIS), e));
        } else {
          producer.send(new ProducerRecord<>(topic, e.key(), e.json()), onError);
        }
        if (oracle != null) {
          oracle.counted(e);
          oracle.sent++;
          var roll = retries.nextInt(20);
          if (roll == 0) {
            producer.send(new ProducerRecord<>(topic, e.key(), e.json()), onError);
            oracle.sent++;
          } else if (roll == 1) {
            later.add(Map.entry(i + 50_000, e));
          }
          while (!later.isEmpty() && (later.peek().getKey() <= i || i == n - 1)) {
            var retry = later.poll().getValue();
            producer.send(new ProducerRecord<>(topic, retry.key(), retry.json()), onError);
            oracle.sent++;
          }
        }
        progress.set(i + 1);
      }
      while (!held.isEmpty()) {
        var g = held.poll().getValue();
        producer.send(new ProducerRecord<>(topic, g.key(), g.json()), onError);
      }
      producer.flush();
    }
    if (failed.get() != null) throw new IllegalStateException("producing to " + topic + " failed", failed.get());
    return (System.nanoTime() - started) / 1e9;
  }

  private double readRaw(String topic, long n) {
    var props = Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "bench-raw-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    long count = 0;
    long started = 0;
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
         var progress = new Progress(out, "raw consumer " + topic, n)) {
      consumer.subscribe(List.of(topic));
      var lastProgress = System.nanoTime();
      while (count < n) {
        var records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty() && started == 0) started = System.nanoTime();
        if (!records.isEmpty()) lastProgress = System.nanoTime();
        if (System.nanoTime() - lastProgress > STALL.toNanos()) {
          throw new IllegalStateException("raw read of " + topic + " stalled at " + count + " of " + n + " records");
        }
        count += records.count();
        progress.set(count);
      }
    }
    return (System.nanoTime() - started) / 1e9;
  }

  // The pipeline

  private BeaconServer startServer(String database, String topic) throws Exception {
    return startServer(database, topic, UUID.randomUUID().toString().substring(0, 8), true);
  }

  /**
   * A server reading {@code topic} (and the models' {@code <topic>.interactions}); {@code id} names
   * its data folder, consumer groups and PostgreSQL schema, which is made when {@code fresh}, else
   * is the one made for that id before.
   */
  private BeaconServer startServer(String database, String topic, String id, boolean fresh) throws Exception {
    return startServer(database, topic, id, fresh, "");
  }

  /** As {@link #startServer(String, String, String, boolean)}, with {@code config} over the bench's own. */
  private BeaconServer startServer(String database, String topic, String id, boolean fresh, String config)
      throws Exception {
    var dataDir = workDir.resolve("server-" + id);
    var text = new StringBuilder()
        .append("beacon.data-dir = \"").append(dataDir).append("\"\n")
        .append("beacon.http.host = \"127.0.0.1\"\nbeacon.http.port = 0\n")
        .append("beacon.kafka.bootstrap-servers = \"").append(kafka.bootstrapServers()).append("\"\n")
        .append("beacon.kafka.topic = \"").append(topic).append("\"\n")
        .append("beacon.kafka.dead-letter-topic = \"").append(topic).append(".dlq\"\n")
        .append("beacon.kafka.partitions = ").append(options.partitions()).append('\n')
        .append("beacon.kafka.group-id = \"bench-").append(id).append("\"\n")
        .append("beacon.bandit.interactions-topic = \"").append(topic).append(".interactions\"\n")
        .append("beacon.bandit.interactions-dead-letter-topic = \"").append(topic).append(".interactions.dlq\"\n")
        .append("beacon.bandit.interactions-group-id = \"bench-bandit-").append(id).append("\"\n")
        .append("beacon.bandit.predictions-topic = \"").append(topic).append(".predictions\"\n")
        .append("beacon.simulator.enabled = off\n")
        // the bench's own server on loopback, which its oracle reads without a key
        .append("beacon.security.admin-key = \"\"\nbeacon.security.admin-key-file = \"\"\n")
        // plain HTTP, which the oracle reads, and the bench's own plain broker, whatever the environment says
        .append("beacon.http.tls.keystore = \"\"\n")
        .append("beacon.kafka.security-protocol = \"\"\nbeacon.kafka.sasl-mechanism = \"\"\n")
        .append("beacon.kafka.sasl-jaas-config = \"\"\nbeacon.kafka.ssl-truststore-location = \"\"\n")
        .append("beacon.kafka.ssl-truststore-password = \"\"\n")
        .append("beacon.journey.tracking = ").append(options.journeys() ? "on" : "off").append('\n')
        .append("beacon.behaviour.enabled = ").append(options.behaviour() ? "on" : "off").append('\n')
        .append("pekko.remote.artery.canonical.port = 0\npekko.management.http.port = 0\n")
        .append("pekko.loglevel = WARNING\n")
        // the dashboard clients of the latency run, and room beyond them
        .append("pekko.http.server.max-connections = ").append(options.clients() + 1_024).append('\n');
    if (options.batchSize() > 0) {
      text.append("beacon.ingest.batch-size = ").append(options.batchSize()).append('\n');
      text.append("beacon.bandit.interactions-batch-size = ").append(options.batchSize()).append('\n');
    }
    if (options.batchWindow() != null) {
      text.append("beacon.ingest.batch-window = ").append(options.batchWindow()).append('\n');
      text.append("beacon.bandit.interactions-batch-window = ").append(options.batchWindow()).append('\n');
    }
    if (database.equals("postgresql")) {
      var schema = "beacon_bench_" + id;
      if (fresh) {
        try (var c = DriverManager.getConnection(options.dbUrl(), options.dbUser(), options.dbPassword()); var st = c.createStatement()) {
          st.execute("CREATE SCHEMA " + schema);
        }
        schemas.add(schema);
      }
      text.append("beacon.db.url = \"").append(schemaUrl(id)).append("\"\n")
          .append("beacon.db.user = \"").append(options.dbUser()).append("\"\n")
          .append("beacon.db.password = \"").append(options.dbPassword()).append("\"\n");
    } else {
      text.append("beacon.db.url = \"\"\n");
    }
    text.append(config);
    return BeaconServer.start(BeaconConfig.load(ConfigFactory.parseString(text.toString())));
  }

  /** The PostgreSQL database's URL with the schema of server {@code id} as its current one. */
  private String schemaUrl(String id) {
    return options.dbUrl() + (options.dbUrl().contains("?") ? "&" : "?") + "currentSchema=beacon_bench_" + id;
  }

  private final List<String> schemas = new ArrayList<>();
  private BanditTiming.Result bandit;

  private void dropSchemas() {
    if (schemas.isEmpty()) return;
    try (var c = DriverManager.getConnection(options.dbUrl(), options.dbUser(), options.dbPassword()); var st = c.createStatement()) {
      for (var schema : schemas) st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (java.sql.SQLException e) {
      out.println("bench: could not drop schemas " + schemas + ": " + e.getMessage());
    }
    schemas.clear();
  }

  private double pipeline(String database, String workload, String topic, long n) throws Exception {
    var server = startServer(database, topic);
    try (var progress = new Progress(out, "pipeline " + database + "/" + workload, n)) {
      long started = 0;
      while (true) {
        var s = server.stats().snapshot();
        if (started == 0 && s.consumed() > 0) started = System.nanoTime();
        progress.set(Math.max(0, s.consumed() - s.inFlightBatch()));
        if (s.consumed() >= n && s.inFlightBatch() == 0) break;
        Thread.sleep(20);
      }
      var seconds = (System.nanoTime() - started) / 1e9;
      var tallies = server.stats().snapshot().tallies();
      lastRestated = tallies.getOrDefault(dev.beacon.journey.JourneyBatchPart.RESTATED, 0L);
      lastTooLate = tallies.getOrDefault(dev.beacon.journey.JourneyBatchPart.TOO_LATE, 0L);
      lastOutOfOrder = tallies.getOrDefault(dev.beacon.journey.JourneyBatchPart.OUT_OF_ORDER, 0L);
      var oracle = oracles.get(workload);
      if (oracle != null) verdicts.add(check(database, workload, server, oracle));
      return seconds;
    } finally {
      server.stop().toCompletableFuture().get();
      dropSchemas();
    }
  }

  /** Every campaign and the status counters against the oracle; a line saying so, printed now and in the report. */
  private String check(String database, String workload, BeaconServer server, RetryOracle oracle) throws Exception {
    var wrong = new ArrayList<>(oracle.mismatches(server.httpPort()));
    var s = server.stats().snapshot();
    if (s.applied() != oracle.distinct) wrong.add("status applied " + s.applied() + " != " + oracle.distinct);
    if (s.deduplicated() != oracle.sent - oracle.distinct) {
      wrong.add("status deduplicated " + s.deduplicated() + " != " + (oracle.sent - oracle.distinct));
    }
    var line = String.format("oracle %s/%s: %,d records, %,d distinct events, %,d retries: %s", database, workload,
        oracle.sent, oracle.distinct, oracle.sent - oracle.distinct,
        wrong.isEmpty() ? "every campaign total and status counter exact"
            : wrong.size() + " differences, first: " + wrong.subList(0, Math.min(5, wrong.size())));
    out.println("  -> " + line);
    return line;
  }

  /** Sends {@code total} events at the offered rate, then waits until the server has applied them all. */
  private void offer(BeaconServer server, KafkaProducer<String, byte[]> producer, String topic, BenchEvents events,
      long total, String label) throws Exception {
    var consumedBefore = server.stats().snapshot().consumed();
    var started = System.nanoTime();
    try (var progress = new Progress(out, label + " at " + options.latencyRate() + "/s", total)) {
      for (long i = 0; i < total; i++) {
        var due = started + i * 1_000_000_000L / options.latencyRate();
        var wait = due - System.nanoTime();
        if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
        var e = events.next(System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, e.key(), e.json()));
        progress.set(i + 1);
      }
      producer.flush();
    }
    while (server.stats().snapshot().consumed() - consumedBefore < total || server.stats().snapshot().inFlightBatch() > 0) {
      Thread.sleep(20);
    }
  }

  private Latency latencyOf(BeaconServer server, String label, int seconds, Live live) {
    var h = server.stats().latency().snapshot();
    var waited = server.stats().waited().snapshot();
    var applying = server.stats().applying().snapshot();
    return new Latency(label, options.latencyRate(), seconds, h.getTotalCount(), h.getValueAtPercentile(50),
        h.getValueAtPercentile(95), h.getValueAtPercentile(99), h.getMaxValue(), waited.getValueAtPercentile(50),
        waited.getValueAtPercentile(99), applying.getValueAtPercentile(50), applying.getValueAtPercentile(99), live);
  }

  /** The latency run on one database: a warm-up row (unless --warmup-seconds 0), then the measured one. */
  private List<Latency> latency(String database) throws Exception {
    var topic = "bench-latency-" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(topic);
    var server = startServer(database, topic);
    LiveClientsProcess clients = null;
    try (var producer = producer()) {
      var events = new BenchEvents(options.seed() + 1, options.campaigns(), options.users(), false);
      var total = (long) options.latencyRate() * options.latencySeconds();
      // Warm the consumer group and the entities' first recovery out of the measurement.
      var warm = new BenchEvents(options.seed() + 2, options.campaigns(), options.users(), false);
      for (int i = 0; i < 1_000; i++) {
        var e = warm.next(System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, e.key(), e.json()));
      }
      while (server.stats().snapshot().consumed() < 1_000) Thread.sleep(20);
      long heapBefore = 0;
      if (options.clients() > 0) {
        heapBefore = heapAfterGcMb();
        var organizations = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "org" + i).toList();
        var connecting = System.nanoTime();
        clients = LiveClientsProcess.start(server.httpPort(), organizations, options.clients(), options.idleClients());
        var connected = clients.awaitConnected();
        out.printf("  %,d dashboard clients connected in %.1f s (%,d idle), in a JVM of their own%n", connected,
            (System.nanoTime() - connecting) / 1e9, idleCount());
        clients.reset();
      }
      Latency warmUp = null;
      if (options.warmupSeconds() > 0) {
        // a fresh JVM compiles its hot code in its first half minute, at the cost of the pipeline's time
        server.stats().resetLatency();
        offer(server, producer, topic, events, (long) options.latencyRate() * options.warmupSeconds(), "warm-up " + database);
        warmUp = latencyOf(server, database + " warm-up", options.warmupSeconds(), null);
        if (clients != null) clients.reset();
      }
      server.stats().resetLatency();
      offer(server, producer, topic, events, total, "latency " + database);
      Live live = null;
      if (clients != null) {
        // the last batch's updates reach the clients
        Thread.sleep(1_000);
        var r = clients.report();
        var seconds = r.get("seconds").asDouble();
        var counts = serverLiveStats(server.httpPort());
        live = new Live(options.clients(), idleCount(), r.get("connected").asInt(), r.get("frames").asLong() / seconds,
            r.get("rows").asLong() / seconds, r.get("p50").asLong(), r.get("p95").asLong(), r.get("p99").asLong(),
            r.get("max").asLong(), heapBefore, heapAfterGcMb(), counts.path("disconnectedClients").asLong(),
            counts.path("conflatedUpdates").asLong(), counts.path("droppedUpdates").asLong());
      }
      var measured = latencyOf(server, database, options.latencySeconds(), live);
      return warmUp == null ? List.of(measured) : List.of(warmUp, measured);
    } finally {
      if (clients != null) clients.close();
      server.stop().toCompletableFuture().get();
      dropSchemas();
    }
  }

  // Reporting

  private static Map<String, Object> jvm() {
    var runtime = Runtime.getRuntime();
    var jvm = new LinkedHashMap<String, Object>();
    jvm.put("version", System.getProperty("java.vm.name") + " " + Runtime.version());
    jvm.put("vendor", System.getProperty("java.vendor"));
    jvm.put("cores", runtime.availableProcessors());
    jvm.put("maxHeapMb", runtime.maxMemory() / (1024 * 1024));
    jvm.put("heapUsedMb", heapMb());
    jvm.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
    jvm.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return jvm;
  }

  private void report(List<Scenario> scenarios, List<Latency> latencies, double totalSeconds) throws Exception {
    var jvm = jvm();
    var params = new LinkedHashMap<String, Object>();
    params.put("events", options.events());
    params.put("campaigns", options.campaigns());
    params.put("users", options.users());
    params.put("partitions", options.partitions());
    var ingest = BeaconConfig.load().getConfig("beacon.ingest");
    params.put("batchSize", options.batchSize() > 0 ? options.batchSize() : ingest.getInt("batch-size"));
    params.put("batchWindow", options.batchWindow() != null ? options.batchWindow() : ingest.getString("batch-window"));
    params.put("latencyRate", options.latencyRate());
    params.put("latencySeconds", options.latencySeconds());
    params.put("warmupSeconds", options.warmupSeconds());
    params.put("clients", options.clients());
    params.put("idleClients", options.idleClients());
    params.put("postgres", options.dbUrl() != null);
    params.put("seed", options.seed());
    params.put("bandit", options.bandit());
    params.put("journeys", options.journeys());
    params.put("behaviour", options.behaviour());
    params.put("retries", options.retries() ? "10% sent twice, half in the same micro-batch" : "off");
    params.put("late", options.late() ? "10% held back by up to 30 min of event time" : "off");

    out.println();
    out.printf("%-14s %-11s %-8s %12s %10s %14s %10s %10s%n", "stage", "database", "workload", "events", "seconds", "events/s", "vs raw", "heap MB");
    for (var s : scenarios) {
      out.printf("%-14s %-11s %-8s %,12d %10.2f %,14.0f %10s %10d%n", s.name(), s.database(), s.workload(), s.events(),
          s.seconds(), s.eventsPerSecond(), s.ratioToRaw() == null ? "" : String.format("%.3f", s.ratioToRaw()), s.heapUsedMb());
    }
    if (!latencies.isEmpty()) {
      out.println();
      out.println("event time -> persisted, and its parts: event time -> its batch began (producer, broker, batch window, a");
      out.println("free batch slot) and the batch itself (every entity persisting its share)");
      out.printf("%-20s %10s %8s %10s %8s %8s %8s %8s %12s %12s%n", "latency", "offered/s", "seconds", "events", "p50 ms",
          "p95 ms", "p99 ms", "max ms", "to batch 50/99", "batch 50/99");
      for (var l : latencies) {
        out.printf("%-20s %,10d %8d %,10d %8d %8d %8d %8d %14s %12s%n", l.database(), l.offeredRate(), l.seconds(), l.events(),
            l.p50Millis(), l.p95Millis(), l.p99Millis(), l.maxMillis(), l.waitedP50Millis() + "/" + l.waitedP99Millis(),
            l.applyingP50Millis() + "/" + l.applyingP99Millis());
      }
      if (latencies.stream().anyMatch(l -> l.live() != null)) {
        out.println();
        out.println("dashboards during the latency run (event time -> a websocket client received the feed row):");
        out.printf("%-11s %8s %6s %9s %10s %9s %7s %7s %7s %7s %11s %10s %9s %9s%n", "live", "clients", "idle", "connected",
            "frames/s", "rows/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "heap MB", "cut", "conflated", "dropped");
        for (var l : latencies) {
          var v = l.live();
          if (v == null) continue;
          out.printf("%-11s %,8d %,6d %,9d %,10.0f %,9.0f %7d %7d %7d %7d %5d->%-5d %10d %,9d %,9d%n", l.database(), v.clients(),
              v.idle(), v.connected(), v.framesPerSecond(), v.rowsPerSecond(), v.p50Millis(), v.p95Millis(), v.p99Millis(),
              v.maxMillis(), v.heapBeforeMb(), v.heapAfterMb(), v.disconnected(), v.conflated(), v.dropped());
        }
      }
    }
    if (bandit != null) {
      out.println();
      out.printf("%-18s %14s %14s   (LinUCB, d = %d, %d arms, one thread; drift at re-inversion %.1e)%n", "bandit ns/call",
          "median", "best", bandit.dimension(), bandit.arms(), bandit.drift());
      out.printf("%-18s %14.1f %14.1f%n", "decide", bandit.decideMedian(), bandit.decideBest());
      out.printf("%-18s %14.1f %14.1f%n", "update", bandit.updateMedian(), bandit.updateBest());
      out.printf("%-18s %14.1f %14.1f%n", "decide + update", bandit.bothMedian(), bandit.bothBest());
    }
    if (!verdicts.isEmpty()) {
      out.println();
      verdicts.forEach(out::println);
    }
    out.println();
    out.println("JVM: " + jvm);
    out.println("Parameters: " + params);
    out.printf("Total bench time: %.1f s%n", totalSeconds);
    if (options.json() != null) {
      var json = new LinkedHashMap<String, Object>();
      json.put("jvm", jvm);
      json.put("parameters", params);
      json.put("throughput", scenarios);
      json.put("latency", latencies);
      json.put("oracle", verdicts);
      json.put("bandit", bandit);
      json.put("totalSeconds", totalSeconds);
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(options.json().toFile(), json);
      out.println("Wrote " + options.json());
    }
  }

  private int idleCount() {
    if (options.idleClients() <= 0) return 0;
    var every = (int) Math.round(1 / options.idleClients());
    return (options.clients() + every - 1) / every;
  }

  /** What the server counts of its dashboard subscriptions (its stats endpoint; the bench's server is open). */
  private static com.fasterxml.jackson.databind.JsonNode serverLiveStats(int port) throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var request = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/api/analytics/real-time/subscriptions/stats")).build();
    return dev.beacon.common.Json.MAPPER.readTree(client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body());
  }

  /** The heap in use after a full collection: what stays, not what waits to be collected. */
  private static long heapAfterGcMb() {
    System.gc();
    return heapMb();
  }

  private static long heapMb() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temporary folder left behind is the operating system's to clean
    }
  }
}
