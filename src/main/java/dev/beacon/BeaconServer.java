package dev.beacon;

import com.typesafe.config.Config;
import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignQueries;
import dev.beacon.campaign.CampaignRoutes;
import dev.beacon.campaign.CampaignSettings;
import dev.beacon.campaign.OrganizationCampaigns;
import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.Json;
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
import dev.beacon.journey.ChannelGrouping;
import dev.beacon.journey.Journey;
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
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Beacon process: the in-JVM broker when no bootstrap servers are set, the schema
 * migrations, the actor system as a one-node cluster with its sharded entities, the ingest
 * stream, the HTTP API and Pekko Management. CoordinatedShutdown stops HTTP intake first, then
 * drains the stream and commits, then stops the system; the broker goes last.
 */
public final class BeaconServer {
  private static final Logger log = LoggerFactory.getLogger(BeaconServer.class);
  private final ActorSystem<Void> system;
  private final EmbeddedKafka embeddedKafka;
  private final EventProducer producer;
  private final PipelineStatus status;
  private final IngestStream ingest;
  private final ServerBinding binding;
  private final IngestStats stats;

  private BeaconServer(ActorSystem<Void> system, EmbeddedKafka embeddedKafka, EventProducer producer,
      PipelineStatus status, IngestStream ingest, ServerBinding binding, IngestStats stats) {
    this.system = system;
    this.embeddedKafka = embeddedKafka;
    this.producer = producer;
    this.status = status;
    this.ingest = ingest;
    this.binding = binding;
    this.stats = stats;
  }

  /** Starts everything and returns once HTTP is bound; {@code config} is fully resolved. */
  public static BeaconServer start(Config config) {
    var beacon = config.getConfig("beacon");
    var clock = Clock.systemUTC();
    var kafka = KafkaSettings.from(beacon.getConfig("kafka"));
    EmbeddedKafka embedded = null;
    if (kafka.embedded()) {
      var dir = Path.of(beacon.getString("data-dir")).resolve("kafka");
      embedded = EmbeddedKafka.start(dir, kafka.embeddedPort(), kafka.embeddedControllerPort());
      kafka = kafka.withBootstrapServers(embedded.bootstrapServers());
    }
    Topics.ensure(kafka);
    Database.migrate(DatabaseSettings.from(beacon));

    var system = ActorSystem.<Void>create(Behaviors.empty(), "beacon", config);
    var cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));

    var campaignSettings = CampaignSettings.from(beacon.getConfig("campaign"));
    Campaign.init(system, campaignSettings, clock);
    var journeySettings = JourneySettings.from(beacon.getConfig("journey"));
    Journey.init(system, journeySettings, ChannelGrouping.load(), clock);
    OrganizationCampaigns.init(system);
    var sharding = ClusterSharding.get(system);

    var registry = Metrics.registry();
    var stats = new IngestStats(clock);
    stats.bindTo(registry);
    var parser = new EventParser(EventSettings.from(beacon.getConfig("events")), clock);
    var producer = new EventProducer(kafka.bootstrapServers(), kafka.produceTimeout());
    var ingestSettings = IngestSettings.from(beacon.getConfig("ingest"));
    var deadLetters = new DeadLetters(producer, kafka.deadLetterTopic(), Json.MAPPER);
    var processor = new BatchProcessor(sharding, deadLetters, stats, ingestSettings.entityTimeout(),
        journeySettings.bucketsPerOrganization());
    var ingest = new IngestStream(system, kafka, ingestSettings, parser, processor, stats);
    if (ingestSettings.enabled()) ingest.start();

    var http = beacon.getConfig("http");
    var maxBody = http.getBytes("max-body-size");
    var askTimeout = http.getDuration("ask-timeout");
    var status = new PipelineStatus(kafka, stats);
    var intake = new HttpIntake(parser, producer, kafka, stats, clock, http.getInt("max-batch"), maxBody);
    var simulatorSettings = SimulatorSettings.from(beacon.getConfig("simulator"));
    var simulator = new Simulator(system, producer::send, kafka.topic(), simulatorSettings, clock);
    var database = DatabaseSettings.from(beacon);
    var readSide = new ReadSideDatabase(database, beacon.getInt("read-side.pool-size"));
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
    var binding = Http.get(system).newServerAt(http.getString("host"), http.getInt("port")).bind(routes)
        .toCompletableFuture().join();
    log.info("Beacon HTTP API on {}", binding.localAddress());
    PekkoManagement.get(system).start();

    var server = new BeaconServer(system, embedded, producer, status, ingest, binding, stats);
    system.getWhenTerminated().thenRun(readSide::close);
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
    system.getWhenTerminated().thenRun(() -> {
      if (embeddedKafka != null) embeddedKafka.close();
      log.info("Beacon stopped");
    });
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

  /** Graceful stop: HTTP unbind, drain and commit, leave, terminate. Completes when all is down. */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason())
        .thenCompose(done -> system.getWhenTerminated().thenApply(t -> Done.getInstance()));
  }

  /** What a crash looks like: the consumer dies without draining or committing, the system goes. */
  public void crash(Duration timeout) {
    ingest.abort();
    binding.terminate(Duration.ofMillis(1));
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
  }
}
