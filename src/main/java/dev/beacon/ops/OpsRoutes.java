package dev.beacon.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /metrics}: Prometheus text exposition of every meter Beacon registers. */
public final class OpsRoutes extends AllDirectives {
  private final PrometheusMeterRegistry registry;

  public OpsRoutes(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  public Route routes() {
    return path("metrics", () -> get(() -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, registry.scrape())))));
  }
}
