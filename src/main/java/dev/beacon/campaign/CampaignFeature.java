package dev.beacon.campaign;

import dev.beacon.common.HttpSettings;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The campaign feature plugged into a server: its entities ({@link Campaign}, which the ingest
 * batch applies events to, and {@link OrganizationCampaigns}) on the system's sharding, and its
 * query routes.
 */
public final class CampaignFeature {
  private final Route routes;

  private CampaignFeature(Route routes) {
    this.routes = routes;
  }

  public static CampaignFeature start(ActorSystem<?> system, CampaignSettings settings, HttpSettings http, Clock clock) {
    Campaign.init(system, settings, clock);
    OrganizationCampaigns.init(system);
    var queries = new CampaignQueries(ClusterSharding.get(system), http.askTimeout(), clock);
    return new CampaignFeature(new CampaignRoutes(queries, settings, clock).routes());
  }

  public Route routes() {
    return routes;
  }
}
