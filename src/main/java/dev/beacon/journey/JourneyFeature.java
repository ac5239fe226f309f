package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.common.HttpSettings;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.common.ReadSideSettings;
import dev.beacon.event.BatchPart;
import dev.beacon.security.Access;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The journey feature plugged into a server: the {@link JourneyBucket} entities on the system's
 * sharding, its part of the ingest batch (the first), the projection that writes the read side
 * when journeys are tracked, and the attribution and user-journey routes.
 */
public final class JourneyFeature {
  private final Route routes;
  private final JourneyBatchPart batchPart;

  private JourneyFeature(Route routes, JourneyBatchPart batchPart) {
    this.routes = routes;
    this.batchPart = batchPart;
  }

  public static JourneyFeature start(ActorSystem<?> system, JourneySettings settings, ReadSideDatabase readSide,
      ReadSideSettings readSideSettings, HttpSettings http, Access access, Clock clock) {
    JourneyBucket.init(system, settings, ChannelGrouping.load(), clock);
    if (settings.tracking()) JourneyProjection.init(system, readSide, readSideSettings.liveFeedSize());
    var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    var sharding = ClusterSharding.get(system);
    var attribution = new AttributionRoutes(new AttributionQueries(readSide.dataSource()), sharding, settings, blocking,
        http.askTimeout(), access, clock);
    return new JourneyFeature(attribution.routes(), new JourneyBatchPart(sharding, settings.bucketsPerOrganization()));
  }

  public Route routes() {
    return routes;
  }

  /** The journeys' part of every ingest micro-batch, the first: the buckets judge every event with a user. */
  public BatchPart batchPart() {
    return batchPart;
  }
}
