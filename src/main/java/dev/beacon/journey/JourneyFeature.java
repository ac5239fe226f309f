package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.common.HttpSettings;
import dev.beacon.common.LiveBus;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.common.ReadSideSettings;
import dev.beacon.event.BatchPart;
import dev.beacon.ops.ProjectionLag;
import dev.beacon.security.Access;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journey feature plugged into a server: the {@link JourneyBucket} entities on the system's
 * sharding, users hashed to buckets as the database's journals were ({@link JourneyBuckets}), its
 * part of the ingest batch (the first), the projection that writes the read side
 * when journeys are tracked, the attribution and user-journey routes, and users' profiles.
 */
public final class JourneyFeature {
  private static final Logger log = LoggerFactory.getLogger(JourneyFeature.class);
  private final Route routes;
  private final JourneyBatchPart batchPart;
  private final AttributionAnswers answers;
  private final JourneyProfiles profiles;

  private JourneyFeature(Route routes, JourneyBatchPart batchPart, AttributionAnswers answers,
      JourneyProfiles profiles) {
    this.routes = routes;
    this.batchPart = batchPart;
    this.answers = answers;
    this.profiles = profiles;
  }

  /** The attribution answers the live dashboards push. */
  public AttributionAnswers answers() {
    return answers;
  }

  public static JourneyFeature start(ActorSystem<?> system, JourneySettings settings, ReadSideDatabase readSide,
      ReadSideSettings readSideSettings, HttpSettings http, Access access, AttributionRoutes.JourneyUsers users, LiveBus live,
      MeterRegistry registry, Clock clock) {
    JourneyBucket.init(system, settings, ChannelGrouping.load(), clock, live);
    if (settings.tracking()) JourneyProjection.init(system, readSide, live, new ProjectionLag(registry, JourneyProjection.NAME));
    var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    var sharding = ClusterSharding.get(system);
    var buckets = settings.buckets(JourneyBuckets.recordedIn(readSide.dataSource()));
    if (buckets.hash() == JourneyBuckets.BucketHash.LEGACY) {
      log.warn("Journey buckets keep the hash this database's journals were written with, from before partition "
          + "alignment: journeys stay exact, but are not processed on the node that consumes their partition");
    }
    var queries = new AttributionQueries(readSide.dataSource());
    var profiles = new JourneyProfiles(sharding, settings, buckets, http.askTimeout());
    var attribution = new AttributionRoutes(queries, profiles, users, blocking, access, clock);
    return new JourneyFeature(attribution.routes(), new JourneyBatchPart(sharding, buckets, registry),
        new AttributionAnswers(queries, clock), profiles);
  }

  /**
   * The projections that read the journey buckets' journals (by their tags) when journeys are
   * tracked: an erasure deletes no journal row before they have read it.
   */
  public static java.util.List<String> journalReaders(JourneySettings settings) {
    return settings.tracking() ? java.util.List.of(JourneyProjection.NAME, JourneyConversions.NAME) : java.util.List.of();
  }

  /** Users' all-time profiles from their journeys, by organisation and user id. */
  public JourneyProfiles profiles() {
    return profiles;
  }

  public Route routes() {
    return routes;
  }

  /** The journeys' part of every ingest micro-batch, the first: the buckets judge every event with a user. */
  public BatchPart batchPart() {
    return batchPart;
  }
}
