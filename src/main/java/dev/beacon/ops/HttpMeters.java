package dev.beacon.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every HTTP request of the API counted and timed ({@code beacon.http.requests}) by its route's
 * template, method and status: the template, not the path, so that ids never become series (a
 * path no route serves counts as {@value #UNMATCHED}). The time runs from the request to its
 * response's headers (a stream's body, an SSE feed, a websocket, goes on after). The routes are
 * sealed inside, so rejections and errors are counted with the status the client gets.
 */
public final class HttpMeters extends AllDirectives {
  static final String UNMATCHED = "unmatched";

  /** The API's routes; a segment in braces stands for any one (an id), a last {@code *} for any rest. */
  private static final List<String> TEMPLATES = List.of(
      "/",
      "/assets/*",
      "/metrics",
      "/ws/dashboard",
      "/api/analytics/events/live",
      "/api/analytics/real-time",
      "/api/analytics/real-time/dashboard",
      "/api/analytics/real-time/simulate",
      "/api/analytics/real-time/subscribe",
      "/api/analytics/real-time/updates",
      "/api/analytics/real-time/subscriptions/stats",
      "/api/campaigns/{campaignId}/analytics/real-time",
      "/api/campaigns/{campaignId}/analytics/daily",
      "/api/attribution/compare",
      "/api/attribution/channels",
      "/api/attribution/timeseries",
      "/api/attribution/markov",
      "/api/users/{userId}/journey",
      "/api/models/evaluate",
      "/api/models/{modelId}",
      "/api/models/{modelId}/decide",
      "/api/models/{modelId}/reward",
      "/api/models/{modelId}/checkpoints",
      "/api/models/{modelId}/rollback",
      "/api/models/{modelId}/export",
      "/api/models/{modelId}/import",
      "/api/admin/import/ga4",
      "/api/admin/organizations/{organizationId}/keys",
      "/api/admin/organizations/{organizationId}/keys/{keyId}");
  // compiled once: every request's path is read against them
  private static final Pattern EDGE_SLASHES = Pattern.compile("^/+|/+$");
  private static final Pattern SLASHES = Pattern.compile("/+");
  private static final List<String[]> SPLIT = TEMPLATES.stream().map(HttpMeters::segments).toList();
  private static final Duration[] BUCKETS = Arrays.stream(new long[] {5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000})
      .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  private final MeterRegistry registry;

  public HttpMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@code routes}, sealed, with every request counted and timed. */
  public Route measured(Route routes) {
    var sealed = routes.seal();
    return extractRequest(request -> {
      var sample = Timer.start(registry);
      var route = template(request.getUri().path());
      var method = request.method().name();
      return mapResponse(response -> {
        sample.stop(Timer.builder("beacon.http.requests")
            .description("HTTP requests by route template, method and status, timed to the response's headers")
            .tags("route", route, "method", method, "status", Integer.toString(response.status().intValue()))
            .serviceLevelObjectives(BUCKETS)
            .register(registry));
        return response;
      }, () -> sealed);
    });
  }

  /** The template of the route that serves {@code path}, or {@value #UNMATCHED}. */
  static String template(String path) {
    var given = segments(path);
    for (var i = 0; i < SPLIT.size(); i++) {
      if (matches(SPLIT.get(i), given)) return TEMPLATES.get(i);
    }
    return UNMATCHED;
  }

  private static boolean matches(String[] template, String[] path) {
    for (var i = 0; i < template.length; i++) {
      if (template[i].equals("*")) return i < path.length;
      if (i >= path.length || !(template[i].startsWith("{") || template[i].equals(path[i]))) return false;
    }
    return template.length == path.length;
  }

  /** The segments of a path, a trailing slash ignored: {@code /} has none. */
  private static String[] segments(String path) {
    var trimmed = EDGE_SLASHES.matcher(path).replaceAll("");
    return trimmed.isEmpty() ? new String[0] : SLASHES.split(trimmed);
  }
}
