package dev.beacon.privacy;

import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import dev.beacon.common.ApiError;
import dev.beacon.common.Sql;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The right to be forgotten, with the {@code admin} scope of the organisation:
 * {@code DELETE /api/users/{userId}?organizationId=} records an erasure request and answers 202
 * with its id at once (the work goes on in {@link Erasures}); {@code GET
 * /api/privacy/erasures/{id}?organizationId=} shows its progress, and {@code GET
 * /api/privacy/erasures?organizationId=} the organisation's requests, newest first; {@code GET
 * /api/privacy/audit?organizationId=} the audit ({@link PrivacyAudit}). No answer names the user: a
 * request is known by its id.
 */
public final class PrivacyRoutes extends AllDirectives {
  private static final int MAX_USER_ID_LENGTH = 256;
  private static final int LISTED = 100;
  private final ErasureStore store;
  private final ActorRef<Object> erasures;
  private final PrivacyAudit audit;
  private final Access access;
  private final Pattern organizationIdPattern;
  private final Executor blocking;
  private final Clock clock;

  PrivacyRoutes(ErasureStore store, ActorRef<Object> erasures, PrivacyAudit audit, Access access, Pattern organizationIdPattern,
      Executor blocking, Clock clock) {
    this.store = store;
    this.erasures = erasures;
    this.audit = audit;
    this.access = access;
    this.organizationIdPattern = organizationIdPattern;
    this.blocking = blocking;
    this.clock = clock;
  }

  record ErasureList(String organizationId, List<ErasureView> erasures) {}

  public Route routes() {
    return pathPrefix("api", () -> concat(
        path(PathMatchers.segment("users").slash(PathMatchers.segment()), userId -> delete(() -> admin(org -> erase(org, userId)))),
        path(PathMatchers.segment("privacy").slash("audit"),
            () -> get(() -> admin(org -> onAnswer(run(() -> audit.of(org, clock.instant())), answer -> ok(answer))))),
        pathPrefix(PathMatchers.segment("privacy").slash("erasures"), () -> get(() -> concat(
            pathEnd(() -> admin(org -> onAnswer(run(() -> store.of(org, LISTED)),
                list -> ok(new ErasureList(org, list.stream().map(ErasureView::of).toList()))))),
            path(PathMatchers.segment(), id -> admin(org -> onAnswer(run(() -> store.find(org, id)), found -> found
                .map(e -> ok(ErasureView.of(e)))
                .orElseGet(() -> refuse(new ApiError.NotFound("organization " + org + " has no erasure request " + id)))))))))));
  }

  private Route admin(Function<String, Route> inner) {
    return parameterOptional("organizationId", org -> {
      if (org.isEmpty() || org.get().isBlank()) {
        return refuse(new ApiError.BadRequest("bad parameters", List.of("organizationId: required")));
      }
      if (!organizationIdPattern.matcher(org.get()).matches()) {
        return refuse(new ApiError.BadRequest("bad parameters", List.of("organizationId: must match " + organizationIdPattern.pattern())));
      }
      return access.allow(Scope.ADMIN, org.get(), () -> inner.apply(org.get()));
    });
  }

  private Route erase(String org, String userId) {
    if (userId.isBlank() || userId.length() > MAX_USER_ID_LENGTH) {
      return refuse(new ApiError.BadRequest("bad user", List.of("userId: 1 to " + MAX_USER_ID_LENGTH + " characters")));
    }
    return onAnswer(run(() -> store.request(org, userId, clock.instant())), erasure -> {
      erasures.tell(Erasures.Look.NOW);
      return respondWithHeader(Location.create("/api/privacy/erasures/" + erasure.id() + "?organizationId=" + org),
          () -> respond(StatusCodes.ACCEPTED, ErasureView.of(erasure)));
    });
  }

  private <T> CompletableFuture<T> run(Sql.Work<T> work) {
    return Sql.async(blocking, work);
  }
}
