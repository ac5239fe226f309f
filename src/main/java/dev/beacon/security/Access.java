package dev.beacon.security;

import static dev.beacon.common.HttpJson.refuse;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapRequest;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.beacon.common.ApiError;
import io.github.bucket4j.Bucket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.BasicHttpCredentials;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what over HTTP. {@link #authenticate} wraps the whole API: it finds the caller's key
 * ({@code Authorization: Bearer <key>}; the Basic user, as Segment's libraries send their write
 * key; the {@code api_secret} query parameter of GA4's Measurement Protocol routes; the
 * {@code token} query parameter of read endpoints; or, for Segment's routes only, the body's
 * {@code writeKey}, checked by the route: {@link #ingest(Supplier, Function)}), answers 401 when
 * there is none or it is not valid, and hands the {@link Caller} to the routes inside. Each route
 * then says what it needs, where it knows the organisation: {@link #allow} (a scope in one
 * organisation), {@link #allowEveryOrganization} (what spans organisations: the admin key) or
 * {@link #ingest}; a key of another organisation or without the scope gets 403, and a key over its
 * scope's rate limit 429. While no admin key is configured, everyone is allowed everything (the
 * server then listens on loopback only, see {@link SecuritySettings#checkBind}).
 *
 * <p>A checked key is kept for {@link SecuritySettings#keyCacheTtl} (by its hash, never the key),
 * so that a request costs a database read only now and then; a revocation made here clears it at
 * once. Keys never go into a log line or an answer: answers name a key by its prefix.
 */
public final class Access {
  private static final Logger log = LoggerFactory.getLogger(Access.class);
  private static final AttributeKey<Caller> CALLER = AttributeKey.create("beacon-caller", Caller.class);
  private static final int MAX_CACHED_KEYS = 100_000;
  private final SecuritySettings settings;
  private final ApiKeys keys;
  private final Executor blocking;
  private final byte[] adminKeyHash;
  private final Cache<String, Optional<Caller>> checked;
  /** One token bucket per key and scope, dropped when the key has been quiet for a while. */
  private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(MAX_CACHED_KEYS).build();

  /** {@code blocking}: where the database reads of key checks run. */
  public Access(SecuritySettings settings, ApiKeys keys, Executor blocking) {
    this.settings = settings;
    this.keys = keys;
    this.blocking = blocking;
    this.adminKeyHash = settings.keysRequired() ? ApiKeys.hash(settings.adminKey()).getBytes(StandardCharsets.US_ASCII) : null;
    this.checked = Caffeine.newBuilder().expireAfterWrite(settings.keyCacheTtl()).maximumSize(MAX_CACHED_KEYS).build();
  }

  /** Access for a server without keys: every request is allowed (route tests, and the open embedded default). */
  public static Access open() {
    return new Access(new SecuritySettings(null, null, Duration.ZERO, Map.of()), null, Runnable::run);
  }

  public boolean keysRequired() {
    return settings.keysRequired();
  }

  /** The whole API behind authentication: 401 before anything else when keys are required and none valid is given. */
  public Route authenticate(Route routes) {
    if (!settings.keysRequired()) return mapRequest(r -> r.addAttribute(CALLER, Caller.ANYONE), () -> routes);
    return extractRequest(request -> {
      var header = request.getHeader(Authorization.class);
      String key;
      boolean fromQuery;
      if (header.isPresent()) {
        var credentials = header.get().credentials();
        if (credentials instanceof BasicHttpCredentials basic) {
          // Segment's libraries send their write key as the Basic user, with no password
          key = basic.username();
        } else if (!"bearer".equalsIgnoreCase(credentials.scheme())) {
          return refuse(new ApiError.Unauthorized("Authorization: expected Bearer <key>, got the "
              + credentials.scheme() + " scheme", false));
        } else {
          key = credentials.token();
        }
        fromQuery = false;
      } else if (apiSecret(request).isPresent()) {
        // GA4's Measurement Protocol names its key api_secret, in the query; taken on its routes only
        key = apiSecret(request).get();
        fromQuery = false;
      } else if (request.getHeader("Authorization").isPresent()) {
        // a header Pekko could not parse as credentials (kept raw, and not logged: application.conf)
        return refuse(new ApiError.Unauthorized("Authorization: not a valid header; expected Bearer <key>", true));
      } else {
        var token = request.getUri().query().get("token");
        if (token.isEmpty()) {
          // analytics.js may carry its write key in the body, which Segment's routes read: see ingest(keyInBody, …)
          if (keyMayBeInBody(request)) return routes;
          return refuse(new ApiError.Unauthorized("Authorization: a key is required (Authorization: Bearer <key>)", false));
        }
        key = token.get();
        fromQuery = true;
      }
      return as(key, fromQuery, fromQuery ? "token" : "Authorization", () -> routes);
    });
  }

  /** {@code inner} as the caller {@code key} stands for; 401 for no valid key, 503 while keys cannot be checked. */
  private Route as(String key, boolean fromQuery, String source, Supplier<Route> inner) {
    return onComplete(check(key, fromQuery), result -> {
      if (result.isFailure()) {
        log.warn("A key could not be checked: {}", result.failed().get().toString());
        return refuse(new ApiError.Unavailable("keys cannot be checked now", List.of("the key store did not answer: try again"),
            Duration.ofSeconds(1)));
      }
      var caller = result.get();
      if (caller.isEmpty()) return refuse(new ApiError.Unauthorized(source + ": unknown or revoked key", true));
      return mapRequest(r -> r.addAttribute(CALLER, caller.get()), () -> inner.get());
    });
  }

  /** A call to Segment's HTTP Tracking API with no key in its headers: its key may be the body's {@code writeKey}. */
  private static boolean keyMayBeInBody(HttpRequest request) {
    return request.method().equals(HttpMethods.POST) && request.getUri().path().startsWith("/v1/");
  }

  /** The {@code api_secret} of a Measurement Protocol request ({@code /mp/collect}, {@code /debug/mp/collect}). */
  private static Optional<String> apiSecret(HttpRequest request) {
    var path = request.getUri().path();
    if (!path.startsWith("/mp/") && !path.startsWith("/debug/mp/")) return Optional.empty();
    return request.getUri().query().get("api_secret").filter(secret -> !secret.isEmpty());
  }

  /** {@code inner} when the caller may use {@code scope} in {@code organizationId}; 401, 403 or 429 otherwise. */
  public Route allow(Scope scope, String organizationId, Supplier<Route> inner) {
    return withScope(scope, caller -> {
      if (!caller.everyOrganization() && !caller.organizationId().equals(organizationId)) {
        return refuse(new ApiError.Forbidden(caller.refusal(scope, organizationId)));
      }
      return inner.get();
    });
  }

  /** {@code inner} for what spans organisations (pipeline status, metrics, the simulator): the admin key only. */
  public Route allowEveryOrganization(Scope scope, Supplier<Route> inner) {
    return withScope(scope, caller -> {
      if (!caller.everyOrganization()) {
        return refuse(new ApiError.Forbidden("this endpoint covers every organization: it takes the admin key "
            + "(BEACON_ADMIN_KEY), not " + caller.keyName() + " of organization " + caller.organizationId()));
      }
      return inner.get();
    });
  }

  /**
   * {@code inner} for a caller that may write events, given the organisation its events must
   * belong to: the key's, or null for a caller that reaches every organisation.
   */
  public Route ingest(Function<String, Route> inner) {
    return withScope(Scope.INGEST, caller -> inner.apply(caller.organizationId()));
  }

  /**
   * {@link #ingest} where the key may also be given apart from the request's headers: Segment's
   * analytics.js puts its write key in the body ({@code writeKey}), and some of its versions send
   * no Authorization header at all (a cross-origin call then needs no preflight); its settings
   * endpoint names the key in its path. {@code key} is read only when the request brought no key
   * of its own (a key in a header wins), and is checked as any key is: an {@code ingest} key,
   * within its rate limit. A write key is in every page that loads analytics.js, so it is public
   * anyway: it may only send events.
   */
  public Route ingest(Supplier<Optional<String>> key, Function<String, Route> inner) {
    return extractRequest(request -> {
      if (!settings.keysRequired() || request.getAttribute(CALLER).isPresent()) return ingest(inner);
      var given = key.get();
      if (given.isEmpty()) {
        return refuse(new ApiError.Unauthorized("writeKey: a key is required (the body's writeKey, "
            + "or Authorization: Basic with the key as its user)", false));
      }
      return as(given.get(), false, "writeKey", () -> ingest(inner));
    });
  }

  /** The caller of a request that went through {@link #authenticate}. */
  public Route caller(Function<Caller, Route> inner) {
    return extractRequest(request -> inner.apply(callerOf(request)));
  }

  /** A key was revoked on this node: its cached check goes at once (other nodes read it again within the TTL). */
  void revoked(String keyId) {
    checked.asMap().values().removeIf(caller -> caller.isPresent() && keyId.equals(caller.get().keyId()));
    buckets.asMap().keySet().removeIf(bucket -> bucket.startsWith(keyId + "/"));
  }

  /**
   * {@code inner} with the caller, once it has {@code scope} (in some organisation: the route
   * checks which, as the websocket does for each subscription) and is within its rate limit.
   */
  public Route withScope(Scope scope, Function<Caller, Route> inner) {
    return caller(caller -> {
      if (caller.fromQuery() && scope != Scope.READ) {
        return refuse(new ApiError.Unauthorized("token: a key in the query is taken by read endpoints only; "
            + "send Authorization: Bearer <key>", false));
      }
      if (!caller.scopes().contains(scope)) {
        return refuse(new ApiError.Forbidden(caller.keyName() + " has no " + scope.wireName() + " scope"));
      }
      var limited = overLimit(caller, scope);
      if (limited != null) return refuse(limited);
      return inner.apply(caller);
    });
  }

  /** Fails closed: a route reached without {@link #authenticate} in front of it has no caller, so no access. */
  private Caller callerOf(HttpRequest request) {
    var caller = request.getAttribute(CALLER);
    if (caller.isPresent()) return caller.get();
    if (!settings.keysRequired()) return Caller.ANYONE;
    throw new IllegalStateException("a route is served without authentication in front of it");
  }

  private ApiError.TooManyRequests overLimit(Caller caller, Scope scope) {
    if (!caller.keyed()) return null;
    var limit = settings.rateLimits().get(scope);
    var bucket = buckets.get(caller.keyId() + "/" + scope.wireName(), id -> Bucket.builder()
        .addLimit(l -> l.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1))).build());
    var probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) return null;
    var wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
    var seconds = Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
    return new ApiError.TooManyRequests(caller.keyName() + " may make " + limit.perSecond() + " " + scope.wireName()
        + " requests a second (" + limit.burst() + " at once): retry after " + seconds + " s", Duration.ofSeconds(seconds));
  }

  /** The caller a key stands for, or empty for no valid key; from the cache when checked lately. */
  private CompletionStage<Optional<Caller>> check(String key, boolean fromQuery) {
    var cacheKey = ApiKeys.hash(key);
    // compared in constant time, so that the answer's timing tells nothing about the admin key
    if (MessageDigest.isEqual(cacheKey.getBytes(StandardCharsets.US_ASCII), adminKeyHash)) {
      return CompletableFuture.completedFuture(Optional.of(Caller.admin(fromQuery)));
    }
    var cached = checked.getIfPresent(cacheKey);
    if (cached != null) return CompletableFuture.completedFuture(cached.map(c -> withSource(c, fromQuery)));
    return CompletableFuture.supplyAsync(() -> {
      try {
        var caller = keys.check(key).map(grant -> Caller.of(grant, false));
        checked.put(cacheKey, caller);
        return caller.map(c -> withSource(c, fromQuery));
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  private static Caller withSource(Caller caller, boolean fromQuery) {
    return new Caller(caller.keyId(), caller.keyPrefix(), caller.organizationId(), caller.scopes(), fromQuery);
  }
}
