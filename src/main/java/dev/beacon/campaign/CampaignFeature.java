package dev.beacon.campaign;

import dev.beacon.common.HttpSettings;
import dev.beacon.common.LiveBus;
import dev.beacon.event.BatchPart;
import dev.beacon.security.Access;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The campaign feature plugged into a server: its entities ({@link Campaign} and
 * {@link OrganizationCampaigns}) on the system's sharding, its part of the ingest batch, and its
 * query routes.
 */
public final class CampaignFeature {
  private final Route routes;
  private final CampaignBatchPart batchPart;
  private final CampaignQueries queries;

  private CampaignFeature(Route routes, CampaignBatchPart batchPart, CampaignQueries queries) {
    this.routes = routes;
    this.batchPart = batchPart;
    this.queries = queries;
  }

  /** The campaign queries, for the live dashboards' snapshots. */
  public CampaignQueries queries() {
    return queries;
  }

  public static CampaignFeature start(ActorSystem<?> system, CampaignSettings settings, HttpSettings http, Access access,
      LiveBus live, Clock clock) {
    Campaign.init(system, settings, clock, live);
    OrganizationCampaigns.init(system);
    var sharding = ClusterSharding.get(system);
    var queries = new CampaignQueries(sharding, http.askTimeout(), clock);
    return new CampaignFeature(new CampaignRoutes(queries, settings, access, clock).routes(), new CampaignBatchPart(sharding),
        queries);
  }

  public Route routes() {
    return routes;
  }

  /** The campaigns' part of every ingest micro-batch, after the journeys'. */
  public BatchPart batchPart() {
    return batchPart;
  }
}
