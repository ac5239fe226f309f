package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.common.HttpSettings;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.common.ReadSideSettings;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The journey feature plugged into a server: the {@link JourneyBucket} entities on the system's
 * sharding (every ingest batch admits its events with a user there first), the projection that
 * writes the read side when journeys are tracked, and the attribution and user-journey routes.
 */
public final class JourneyFeature {
  private final Route routes;

  private JourneyFeature(Route routes) {
    this.routes = routes;
  }

  public static JourneyFeature start(ActorSystem<?> system, JourneySettings settings, ReadSideDatabase readSide,
      ReadSideSettings readSideSettings, HttpSettings http, Clock clock) {
    JourneyBucket.init(system, settings, ChannelGrouping.load(), clock);
    if (settings.tracking()) JourneyProjection.init(system, readSide, readSideSettings.liveFeedSize());
    var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    var attribution = new AttributionRoutes(new AttributionQueries(readSide.dataSource()), ClusterSharding.get(system),
        settings, blocking, http.askTimeout(), clock);
    return new JourneyFeature(attribution.routes());
  }

  public Route routes() {
    return routes;
  }
}
