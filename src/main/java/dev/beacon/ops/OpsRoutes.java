package dev.beacon.ops;

import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: Prometheus text exposition of every meter Beacon registers. The meters
 * span organisations, so with keys required it takes the admin key (Prometheus sends it as a
 * bearer token).
 */
public final class OpsRoutes extends AllDirectives {
  private final PrometheusMeterRegistry registry;
  private final Access access;

  public OpsRoutes(PrometheusMeterRegistry registry, Access access) {
    this.registry = registry;
    this.access = access;
  }

  public Route routes() {
    return path("metrics", () -> get(() -> access.allowEveryOrganization(Scope.READ, () -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, registry.scrape()))))));
  }
}
