package dev.beacon.security;

import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.ApiError;
import dev.beacon.common.HttpJson;
import dev.beacon.common.JsonInput;
import dev.beacon.common.Sql;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The admin API of an organisation's keys, with the {@code admin} scope of that organisation (or
 * the bootstrap admin key): {@code POST /api/admin/organizations/{org}/keys {"scopes": [...]}} →
 * 201 with the key (the only time it is shown), {@code GET} the same path → its keys without
 * their secret, {@code DELETE .../keys/{id}} → 204, or 404 when it has no such key in force.
 */
public final class KeyRoutes extends AllDirectives {
  private static final int MAX_BODY_BYTES = 4096;
  private static final JsonInput BODIES = new JsonInput(8, MAX_BODY_BYTES, MAX_BODY_BYTES, false);
  private final Access access;
  private final ApiKeys keys;
  private final Pattern organizationIdPattern;
  private final Executor blocking;

  /** {@code blocking}: where the database writes and reads run. */
  public KeyRoutes(Access access, ApiKeys keys, Pattern organizationIdPattern, Executor blocking) {
    this.access = access;
    this.keys = keys;
    this.organizationIdPattern = organizationIdPattern;
    this.blocking = blocking;
  }

  /** 201: the key made; {@code key} is not shown again. */
  record Created(String id, String key, String prefix, List<String> scopes, Instant createdAt) {}

  /** One key as listed: never its secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Listed(String id, String prefix, List<String> scopes, Instant createdAt, Instant revokedAt) {}

  record KeyList(String organizationId, List<Listed> keys) {}

  public Route routes() {
    return pathPrefix("api", () -> pathPrefix(PathMatchers.segment("admin").slash("organizations").slash(PathMatchers.segment())
        .slash("keys"), org -> {
          if (!organizationIdPattern.matcher(org).matches()) {
            return refuse(new ApiError.BadRequest("bad organization",
                List.of("organizationId: must match " + organizationIdPattern.pattern())));
          }
          return access.allow(Scope.ADMIN, org, () -> concat(
              pathEnd(() -> concat(
                  post(() -> create(org)),
                  get(() -> onAnswer(run(() -> list(org)), list -> ok(list))))),
              path(PathMatchers.segment(), id -> delete(() -> revoke(org, id)))));
        }));
  }

  private Route create(String org) {
    return HttpJson.jsonBody(BODIES, MAX_BODY_BYTES, body -> {
      var reasons = new ArrayList<String>();
      var scopes = scopes(body, reasons);
      if (!reasons.isEmpty()) return refuse(new ApiError.BadRequest("invalid key request", reasons));
      return onAnswer(run(() -> keys.create(org, scopes)), made -> respond(StatusCodes.CREATED,
          new Created(made.info().id(), made.key(), ApiKeys.PREFIX + made.info().prefix(), wire(made.info().scopes()),
              made.info().createdAt())));
    });
  }

  private Route revoke(String org, String id) {
    return onAnswer(run(() -> keys.revoke(org, id)), revoked -> {
      if (!revoked) return refuse(new ApiError.NotFound("organization " + org + " has no key " + id + " in force"));
      access.revoked(id);
      return complete(StatusCodes.NO_CONTENT);
    });
  }

  private KeyList list(String org) throws SQLException {
    return new KeyList(org, keys.list(org).stream()
        .map(k -> new Listed(k.id(), ApiKeys.PREFIX + k.prefix(), wire(k.scopes()), k.createdAt(), k.revokedAt()))
        .toList());
  }

  /** {@code scopes}: a non-empty array of ingest, read and admin. */
  private static Set<Scope> scopes(JsonNode body, List<String> reasons) {
    var scopes = EnumSet.noneOf(Scope.class);
    var given = body == null || !body.isObject() ? null : body.get("scopes");
    if (given == null || !given.isArray() || given.isEmpty()) {
      reasons.add("scopes: required, a non-empty array of ingest, read, admin");
      return scopes;
    }
    for (int i = 0; i < given.size(); i++) {
      var item = given.get(i);
      var scope = item.isTextual() ? Scope.fromWire(item.asText()) : java.util.Optional.<Scope>empty();
      if (scope.isEmpty()) {
        reasons.add("scopes[" + i + "]: must be one of ingest, read, admin");
      } else if (!scopes.add(scope.get())) {
        reasons.add("scopes[" + i + "]: " + item.asText() + " given twice");
      }
    }
    return scopes;
  }

  private static List<String> wire(Set<Scope> scopes) {
    return scopes.stream().sorted().map(Scope::wireName).toList();
  }

  private <T> CompletableFuture<T> run(Sql.Work<T> work) {
    return Sql.async(blocking, work);
  }
}
