package dev.beacon.bandit.model;

import dev.beacon.bandit.offline.EvaluateRoutes;
import dev.beacon.common.HttpSettings;
import dev.beacon.security.Access;
import java.time.Clock;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The bandit models plugged into a server: the {@link BanditModel} entities on the system's
 * sharding and their routes, with the offline evaluation's route first: its path,
 * {@code /api/models/evaluate}, would otherwise read as a model's.
 */
public final class BanditModelFeature {
  private final Route routes;

  private BanditModelFeature(Route routes) {
    this.routes = routes;
  }

  public static BanditModelFeature start(ActorSystem<?> system, BanditSettings settings, HttpSettings http, Access access,
      Pattern organizationIdPattern, Clock clock) {
    BanditModel.init(system, settings, clock);
    var models = new BanditModels(ClusterSharding.get(system), http.askTimeout());
    var evaluate = new EvaluateRoutes(system, settings.maxEvaluateSize(), settings.maxConcurrentEvaluations(), access);
    var modelRoutes = new BanditModelRoutes(models, access, organizationIdPattern, settings.maxImportSize());
    return new BanditModelFeature(Directives.concat(evaluate.routes(), modelRoutes.routes()));
  }

  public Route routes() {
    return routes;
  }
}
