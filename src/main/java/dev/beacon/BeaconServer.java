package dev.beacon;

import com.typesafe.config.Config;
import dev.beacon.backfill.ImportRoutes;
import dev.beacon.bandit.model.BanditModel;
import dev.beacon.bandit.model.BanditModelFeature;
import dev.beacon.bandit.model.InteractionStats;
import dev.beacon.bandit.model.JourneyContext;
import dev.beacon.bandit.model.ModelStreams;
import dev.beacon.campaign.CampaignFeature;
import dev.beacon.common.Database;
import dev.beacon.common.LogContext;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.common.Sql;
import dev.beacon.common.StartupFailure;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.ingest.EventProducer;
import dev.beacon.ingest.IngestFeature;
import dev.beacon.ingest.IngestStats;
import dev.beacon.ingest.Topics;
import dev.beacon.journey.JourneyBucket;
import dev.beacon.journey.JourneyConversions;
import dev.beacon.journey.JourneyFeature;
import dev.beacon.live.DashboardPage;
import dev.beacon.live.LiveFeature;
import dev.beacon.ops.ConsumerLag;
import dev.beacon.ops.HttpMeters;
import dev.beacon.ops.Metrics;
import dev.beacon.ops.OpsRoutes;
import dev.beacon.ops.PolledMeters;
import dev.beacon.ops.Readiness;
import dev.beacon.ops.RemoteTraffic;
import dev.beacon.privacy.PersonForgetting;
import dev.beacon.privacy.PrivacyFeature;
import dev.beacon.privacy.UserForgetting;
import dev.beacon.report.DailyReports;
import dev.beacon.report.ReportRoutes;
import dev.beacon.security.Access;
import dev.beacon.security.ApiKeys;
import dev.beacon.security.KeyRoutes;
import dev.beacon.simulate.SimulatorFeature;
import dev.beacon.tracker.MeasurementProtocolRoutes;
import dev.beacon.tracker.AnalyticsJsRoutes;
import dev.beacon.tracker.SegmentRoutes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Beacon process: the schema migrations, the in-JVM broker when no bootstrap servers are set,
 * the actor system and Pekko Management, the cluster it joins (ClusterSettings), its sharded
 * entities, the HTTP API and the consumer streams (events, the models' interactions), started in that order; a step
 * that fails stops what the steps before it started and throws a {@link StartupFailure}.
 * CoordinatedShutdown turns /ready false first and waits, stops HTTP intake, then drains the
 * streams and commits, hands the shards over, leaves the cluster and stops the system; the broker
 * goes last.
 */
public final class BeaconServer {
  private static final Logger log = LoggerFactory.getLogger(BeaconServer.class);
  private final ActorSystem<Void> system;
  private final EmbeddedKafka embeddedKafka;
  private final EventProducer producer;
  private final ReadSideDatabase readSide;
  private final IngestFeature ingest;
  private final ModelStreams modelStreams;
  private final ServerBinding binding;
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();

  private BeaconServer(ActorSystem<Void> system, EmbeddedKafka embeddedKafka, EventProducer producer,
      ReadSideDatabase readSide, IngestFeature ingest, ModelStreams modelStreams, ServerBinding binding) {
    this.system = system;
    this.embeddedKafka = embeddedKafka;
    this.producer = producer;
    this.readSide = readSide;
    this.ingest = ingest;
    this.modelStreams = modelStreams;
    this.binding = binding;
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

  /**
   * The features start in the order the data flows: the simulator that sends, the journeys and
   * campaigns the ingest batch goes through (in that order), the ingest, then the routes.
   */
  private static BeaconServer start(Config config, Startup startup) {
    var settings = BeaconSettings.from(config);
    var https = HttpsContext.from(settings.http().tls());
    var clock = Clock.systemUTC();
    var kafka = settings.kafka();
    settings.security().checkBind(settings.http().host());
    Startup.writableDirectories(settings.dataDir(), settings.dbUrlSet(), kafka, settings.database());
    Database.migrate(settings.database());
    EmbeddedKafka embedded = null;
    if (kafka.embedded()) {
      embedded = startup.started(Startup.embeddedKafka(settings.dataDir().resolve("kafka"), kafka), EmbeddedKafka::close);
      kafka = kafka.withBootstrapServers(embedded.bootstrapServers());
    }
    Topics.ensure(kafka, settings.modelStreams().topics());

    var system = startup.started(Startup.actorSystem(config), Startup::terminate);
    // Before the join: the cluster bootstrap's contact points are the management ports.
    Startup.management(system, config);
    Startup.joinCluster(system, settings.cluster());
    var self = Cluster.get(system).selfMember().address();
    LogContext.node(self.getHost().orElse("") + ":" + self.getPort().map(String::valueOf).orElse(""));
    // Closed once the actor system is down: its projections read through it until then (a start
    // that fails late, at the HTTP bind, would otherwise log their stack traces).
    var readSide = startup.started(new ReadSideDatabase(settings.database(), settings.readSide().poolSize()),
        database -> {
          Startup.terminate(system);
          database.close();
        });
    var producer = startup.started(new EventProducer(kafka, kafka.produceTimeout()), EventProducer::close);
    var registry = Metrics.registry();
    RemoteTraffic.get(Adapter.toClassic(system)).bindTo(registry);
    var keys = new ApiKeys(readSide.dataSource(), clock);
    var blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    var access = new Access(settings.security(), keys, blocking);

    var live = LiveFeature.bus(system);
    var simulator = SimulatorFeature.start(system, settings.simulator(), producer::send, kafka.topic(), clock);
    var identities = settings.identity().links(readSide.dataSource(), clock);
    var journeys = JourneyFeature.start(system, settings.journey(), readSide, settings.readSide(), settings.http(),
        access, (org, id) -> Sql.async(blocking, () -> identities.journeyUserOf(org, id)), live, registry, clock);
    var campaigns = CampaignFeature.start(system, settings.campaign(), settings.http(), access, live, clock);
    var models = BanditModelFeature.start(system, settings.bandit(), settings.http(), access,
        settings.events().organizationIdPattern(), new JourneyContext(journeys.profiles()), registry, clock);
    if (settings.journey().tracking()) JourneyConversions.init(system, readSide, registry, models::rewardConversions);
    var modelStreams = ModelStreams.start(system, settings.modelStreams(), kafka, settings.ingest(), producer, readSide, registry,
        settings.http().askTimeout());
    var dashboards = LiveFeature.start(system, settings.live(), campaigns.queries(), journeys.answers(), access,
        settings.events().organizationIdPattern(), registry, clock);
    var privacy = PrivacyFeature.start(system, settings.privacy(), readSide,
        PersonForgetting.of(identities, blocking,
            UserForgetting.of("journeys", (org, user, at) -> journeys.profiles().forget(org, user, at).thenApply(List::of)),
            models.forgetting(system, settings.http().askTimeout()), LiveFeature.feedForgetting(system)),
        journeys.profiles().journals(),
        Map.of(JourneyBucket.ENTITY_TYPE_KEY.name(), JourneyFeature.journalReaders(settings.journey()),
            BanditModel.ENTITY_TYPE_KEY.name(), BanditModelFeature.journalReaders()),
        access, settings.events().organizationIdPattern(), settings.http().askTimeout(), clock);
    var ingest = startup.started(IngestFeature.start(system, kafka, settings.ingest(), settings.events(), settings.http(),
        producer, List.of(journeys.batchPart(), campaigns.batchPart()), registry, access, clock), IngestFeature::close);
    // The dashboard page is static and public: it stands before the key check, its data calls carry the key.
    // So do analytics.js's settings (the key is in their path) and CORS preflights (no key at all).
    var analyticsJs = new AnalyticsJsRoutes(access);
    var routes = new HttpMeters(registry).measured(Directives.concat(new DashboardPage().routes(), analyticsJs.cors(
        Directives.concat(analyticsJs.routes(), access.authenticate(Directives.concat(
        ingest.routes(),
        new SegmentRoutes(ingest.intake(), identities, access, blocking, Materializer.matFromSystem(system),
            settings.http().maxBodySize()).routes(),
        new ImportRoutes(system, settings.events(), settings.imports(), producer, kafka.topic(), access, clock).routes(),
        new MeasurementProtocolRoutes(system, ingest.intake(), identities, blocking, settings.events(), settings.http(), access,
            clock).routes(),
        simulator.routes(access),
        journeys.routes(),
        campaigns.routes(),
        dashboards.routes(),
        models.routes(),
        privacy.routes(),
        new ReportRoutes(new DailyReports(campaigns.queries(), readSide.dataSource(), blocking), access, clock).routes(),
        new KeyRoutes(access, keys, settings.events().organizationIdPattern(), blocking).routes(),
        new OpsRoutes(registry, access).routes()))))));
    var binding = Startup.http(system, settings.http(), https, routes);
    log.info("Beacon HTTP API on {} over {}", binding.localAddress(), https.isPresent()
        ? "HTTPS (keystore " + settings.http().tls().keystore() + ")" : "plain HTTP (no BEACON_HTTP_TLS_KEYSTORE)");
    if (access.keysRequired()) {
      log.info("API keys required on every request (admin key from {})", settings.security().adminKeySource());
    } else {
      log.info("No admin key configured: the HTTP API needs no key and listens on loopback only (set BEACON_ADMIN_KEY to require keys)");
    }
    ingest.startConsuming();
    modelStreams.startConsuming();
    PolledMeters.start(system, registry, settings.metrics().interval(), List.of(
        new ConsumerLag.Source(kafka.topic(), ingest::consumerMetrics),
        new ConsumerLag.Source(settings.modelStreams().interactionsTopic(), modelStreams::consumerMetrics)));

    var server = new BeaconServer(system, embedded, producer, readSide, ingest, modelStreams, binding);
    server.registerShutdown();
    Readiness.get(system).serving(system, settings.unreadyWait());
    // The simulator stops with HTTP intake, before the stream drains and the producer closes.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "simulator-stop", simulator::shutdown);
    simulator.startDemo();
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
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "interactions-drain", () -> {
      log.info("Draining the interactions stream");
      return modelStreams.drain().exceptionally(e -> Done.getInstance());
    });
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "kafka-clients-close", () -> {
      ingest.close();
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
    return ingest.stats();
  }

  public InteractionStats interactionStats() {
    return modelStreams.stats();
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
    modelStreams.abort();
    binding.terminate(Duration.ofMillis(1));
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
  }
}
