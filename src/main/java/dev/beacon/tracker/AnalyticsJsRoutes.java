package dev.beacon.tracker;

import static dev.beacon.common.HttpJson.respond;

import dev.beacon.security.Access;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What Segment's analytics.js needs of Beacon besides the calls ({@link SegmentRoutes}), so that a
 * site loads it with {@code AnalyticsBrowser.load({writeKey, cdnURL: '<beacon>'})}: the settings it
 * first fetches from its CDN ({@code GET /v1/projects/<writeKey>/settings}), which point its
 * Segment.io destination at this server, as the request reached it; and CORS on {@code /v1/},
 * since a page posts there from its own origin.
 *
 * <p>The settings name no destination, plugin or middleware, so analytics.js fetches nothing else
 * from its CDN (its lazily loaded bundles serve those, and {@code ajs_} query parameters), and they
 * turn its metrics off, which would otherwise go to Segment's api.segment.io. CORS lets any origin
 * in: a write key is in the page of every site that loads analytics.js, public anyway, and an
 * {@code ingest} key may only send events; no cookie is asked for or set.
 */
public final class AnalyticsJsRoutes extends AllDirectives {
  private static final List<HttpHeader> CORS = List.of(
      RawHeader.create("Access-Control-Allow-Origin", "*"),
      // for a 429's or a 503's wait, which analytics.js honours
      RawHeader.create("Access-Control-Expose-Headers", "Retry-After"));
  private static final List<HttpHeader> PREFLIGHT = List.of(
      RawHeader.create("Access-Control-Allow-Methods", "POST, GET, OPTIONS"),
      // analytics.js sends its write key as the Basic user too, and counts its retries in X-Retry-Count
      RawHeader.create("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Retry-Count"),
      RawHeader.create("Access-Control-Max-Age", "7200"));
  private final Access access;

  public AnalyticsJsRoutes(Access access) {
    this.access = access;
  }

  /** The settings and the CORS preflights of {@code /v1/}: neither carries a key in a header, so they go before authentication. */
  public Route routes() {
    return pathPrefix("v1", () -> concat(
        options(() -> respondWithHeaders(PREFLIGHT, () -> complete(StatusCodes.NO_CONTENT))),
        path(PathMatchers.segment("projects").slash(PathMatchers.segment()).slash("settings"), writeKey -> get(() ->
            access.ingest(() -> Optional.of(writeKey), org -> extractRequest(request ->
                respond(StatusCodes.OK, settings(writeKey, request))))))));
  }

  /** {@code inner}, with the CORS headers on its answers under {@code /v1/}. */
  public Route cors(Route inner) {
    return extractUri(uri -> uri.path().startsWith("/v1/") ? respondWithDefaultHeaders(CORS, () -> inner) : inner);
  }

  /** The CDN's settings for {@code writeKey}, as far as analytics.js reads them. */
  private static Map<String, Object> settings(String writeKey, HttpRequest request) {
    var segment = Map.of("apiKey", writeKey, "apiHost", host(request) + "/v1", "protocol", protocol(request));
    return Map.of("integrations", Map.of("Segment.io", segment), "metrics", Map.of("sampleRate", 0),
        "remotePlugins", List.of());
  }

  /** The host the page reached Beacon by: a proxy's X-Forwarded-Host, else the request's Host. */
  private static String host(HttpRequest request) {
    return forwarded(request, "X-Forwarded-Host").orElseGet(() -> request.getHeader("Host").map(HttpHeader::value)
        .orElseGet(() -> request.getUri().host().address()));
  }

  /** http or https, as the page reached Beacon: a proxy that ends TLS says so in X-Forwarded-Proto. */
  private static String protocol(HttpRequest request) {
    return forwarded(request, "X-Forwarded-Proto").filter(p -> p.equals("http") || p.equals("https"))
        .orElse(request.getUri().getScheme());
  }

  /** The first (the client's side) of a proxy header's comma-separated values. */
  private static Optional<String> forwarded(HttpRequest request, String name) {
    return request.getHeader(name).map(h -> h.value().split(",")[0].strip()).filter(v -> !v.isEmpty());
  }
}
