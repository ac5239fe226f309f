package dev.beacon;

import dev.beacon.attribution.ChannelGrouping;
import com.typesafe.config.Config;
import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignQueries;
import dev.beacon.campaign.CampaignRoutes;
import dev.beacon.campaign.CampaignSettings;
import dev.beacon.campaign.OrganizationCampaigns;
import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.Json;
import dev.beacon.common.StartupFailure;
import dev.beacon.event.EventParser;
import dev.beacon.event.EventSettings;
import dev.beacon.ingest.BatchProcessor;
import dev.beacon.ingest.DeadLetters;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.ingest.EventProducer;
import dev.beacon.ingest.HttpIntake;
import dev.beacon.ingest.IngestRoutes;
import dev.beacon.ingest.IngestSettings;
import dev.beacon.ingest.IngestStats;
import dev.beacon.ingest.IngestStream;
import dev.beacon.ingest.KafkaSettings;
import dev.beacon.ingest.PipelineStatus;
import dev.beacon.ingest.Topics;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.journey.AttributionQueries;
import dev.beacon.journey.AttributionRoutes;
import dev.beacon.journey.JourneyBucket;
import dev.beacon.journey.JourneyProjection;
import dev.beacon.journey.JourneySettings;
import dev.beacon.ops.Metrics;
import dev.beacon.ops.OpsRoutes;
import dev.beacon.simulate.Simulator;
import dev.beacon.simulate.SimulatorRoutes;
import dev.beacon.simulate.SimulatorSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Beacon process: the schema migrations, the in-JVM broker when no bootstrap servers are set,
 * the actor system as a one-node cluster with its sharded entities, Pekko Management, the HTTP
 * API and the ingest stream, started in that order; a step that fails stops what the steps
 * before it started and throws a {@link StartupFailure}. CoordinatedShutdown stops HTTP intake
 * first, then drains the stream and commits, then stops the system; the broker goes last.
 */
public final class BeaconServer {
  private static final Logger log = LoggerFactory.getLogger(BeaconServer.class);
  private final ActorSystem<Void> system;
  private final EmbeddedKafka embeddedKafka;
  private final EventProducer producer;
  private final PipelineStatus status;
  private final ReadSideDatabase readSide;
  private final IngestStream ingest;
  private final ServerBinding binding;
  private final IngestStats stats;
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();

  private BeaconServer(ActorSystem<Void> system, EmbeddedKafka embeddedKafka, EventProducer producer,
      PipelineStatus status, ReadSideDatabase readSide, IngestStream ingest, ServerBinding binding, IngestStats stats) {
    this.system = system;
    this.embeddedKafka = embeddedKafka;
    this.producer = producer;
    this.status = status;
    this.readSide = readSide;
    this.ingest = ingest;
    this.binding = binding;
    this.stats = stats;
  }

  /**
   * Starts everything and returns once HTTP is bound; {@code config} is fully resolved. Throws a
   * {@link StartupFailure} (or, for what nobody foresaw, another exception) with nothing left running.
   */
  public static BeaconServer start(Config config) {
    var startup = new Startup();
    try {
      return start(config, startup);
    } catch (RuntimeException e) {
      startup.undo();
      throw e;
    }
  }

  private static BeaconServer start(Config config, Startup startup) {
    var beacon = config.getConfig("beacon");
    var clock = Clock.systemUTC();
    var kafka = KafkaSettings.from(beacon.getConfig("kafka"));
    var database = DatabaseSettings.from(beacon);
    var dataDir = Path.of(beacon.getString("data-dir"));
    Startup.writableDirectories(beacon, kafka, database);
    Database.migrate(database);
    EmbeddedKafka embedded = null;
    if (kafka.embedded()) {
      embedded = startup.started(Startup.embeddedKafka(dataDir.resolve("kafka"), kafka), EmbeddedKafka::close);
      kafka = kafka.withBootstrapServers(embedded.bootstrapServers());
    }
    Topics.ensure(kafka);

    var system = startup.started(Startup.actorSystem(config), Startup::terminate);
    var cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));

    var campaignSettings = CampaignSettings.from(beacon.getConfig("campaign"));
    Campaign.init(system, campaignSettings, clock);
    var journeySettings = JourneySettings.from(beacon.getConfig("journey"));
    JourneyBucket.init(system, journeySettings, ChannelGrouping.load(), clock);
    OrganizationCampaigns.init(system);
    var sharding = ClusterSharding.get(system);

    var registry = Metrics.registry();
    var stats = new IngestStats(clock);
    stats.bindTo(registry);
    var parser = new EventParser(EventSettings.from(beacon.getConfig("events")), clock);
    var producer = startup.started(new EventProducer(kafka.bootstrapServers(), kafka.produceTimeout()), EventProducer::close);
    var ingestSettings = IngestSettings.from(beacon.getConfig("ingest"));
    var deadLetters = new DeadLetters(producer, kafka.deadLetterTopic(), Json.MAPPER);
    var processor = new BatchProcessor(sharding, deadLetters, stats, ingestSettings.entityTimeout(),
        journeySettings.bucketsPerOrganization());
    var ingest = new IngestStream(system, kafka, ingestSettings, parser, processor, stats);

    var http = beacon.getConfig("http");
    var maxBody = http.getBytes("max-body-size");
    var askTimeout = http.getDuration("ask-timeout");
    var status = startup.started(new PipelineStatus(kafka, stats), PipelineStatus::close);
    var intake = new HttpIntake(parser, producer, kafka, stats, clock, http.getInt("max-batch"), maxBody);
    var simulatorSettings = SimulatorSettings.from(beacon.getConfig("simulator"));
    var simulator = new Simulator(system, producer::send, kafka.topic(), simulatorSettings, clock);
    var readSide = startup.started(new ReadSideDatabase(database, beacon.getInt("read-side.pool-size")), ReadSideDatabase::close);
    if (journeySettings.tracking()) JourneyProjection.init(system, readSide, beacon.getInt("read-side.live-feed-size"));
    var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    var attribution = new AttributionRoutes(new AttributionQueries(readSide.dataSource()), sharding, journeySettings,
        blocking, askTimeout, clock);
    var routes = Directives.concat(
        attribution.routes(),
        new SimulatorRoutes(simulator).routes(),
        new IngestRoutes(intake, status, maxBody, Materializer.matFromSystem(system)).routes(),
        new CampaignRoutes(new CampaignQueries(sharding, askTimeout, clock), campaignSettings, clock).routes(),
        new OpsRoutes(registry).routes());
    Startup.management(system, config);
    var binding = Startup.http(system, http, routes);
    log.info("Beacon HTTP API on {}", binding.localAddress());
    if (ingestSettings.enabled()) ingest.start();

    var server = new BeaconServer(system, embedded, producer, status, readSide, ingest, binding, stats);
    server.registerShutdown();
    // The simulator stops with HTTP intake, before the stream drains and the producer closes.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "simulator-stop", simulator::shutdown);
    if (simulatorSettings.enabled()) {
      simulator.startDemo();
      log.info("Simulator running for organisation {} at {} events/min (BEACON_SIMULATOR=off to disable)",
          simulatorSettings.organizationId(), simulatorSettings.eventsPerMinute());
    }
    return server;
  }

  private void registerShutdown() {
    var shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind",
        () -> binding.unbind().thenApply(done -> Done.getInstance()));
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "ingest-drain", () -> {
      log.info("Draining the ingest stream");
      return ingest.drain().exceptionally(e -> Done.getInstance());
    });
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "kafka-clients-close", () -> {
      status.close();
      producer.close();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    // Not on the thread that completes the termination: the broker takes a while to close, and
    // whoever waits for the process to end waits for this (see whenStopped).
    system.getWhenTerminated().thenRunAsync(this::afterTermination, task -> {
      var thread = new Thread(task, "beacon-stop");
      thread.setDaemon(false);
      thread.start();
    });
  }

  private void afterTermination() {
    try {
      readSide.close();
      if (embeddedKafka != null) embeddedKafka.close();
      log.info("Beacon stopped");
    } catch (RuntimeException e) {
      log.error("Beacon stopped, but not cleanly", e);
    } finally {
      stopped.complete(Done.getInstance());
    }
  }

  public int httpPort() {
    return binding.localAddress().getPort();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public IngestStats stats() {
    return stats;
  }

  public EventProducer producer() {
    return producer;
  }

  /**
   * Graceful stop: HTTP unbind, drain and commit, leave, terminate, then the broker. Completes
   * when all is down.
   */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason()).thenCompose(done -> stopped);
  }

  /** Completes when the system has terminated, however it was stopped, and the broker is closed. */
  public CompletionStage<Done> whenStopped() {
    return stopped;
  }

  /** What a crash looks like: the consumer dies without draining or committing, the system goes. */
  public void crash(Duration timeout) {
    ingest.abort();
    binding.terminate(Duration.ofMillis(1));
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
  }
}
