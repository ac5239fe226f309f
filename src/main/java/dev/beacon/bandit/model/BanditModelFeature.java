package dev.beacon.bandit.model;

import dev.beacon.common.HttpSettings;
import dev.beacon.security.Access;
import java.time.Clock;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;

/** The bandit models plugged into a server: the {@link BanditModel} entities on the system's sharding and their routes. */
public final class BanditModelFeature {
  private final Route routes;

  private BanditModelFeature(Route routes) {
    this.routes = routes;
  }

  public static BanditModelFeature start(ActorSystem<?> system, BanditSettings settings, HttpSettings http, Access access,
      Pattern organizationIdPattern, Clock clock) {
    BanditModel.init(system, settings, clock);
    var models = new BanditModels(ClusterSharding.get(system), http.askTimeout());
    return new BanditModelFeature(new BanditModelRoutes(models, access, organizationIdPattern, settings.maxImportSize()).routes());
  }

  public Route routes() {
    return routes;
  }
}
