package dev.beacon.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who sent a request, as far as access goes: an organisation's key (its id and prefix, never the
 * key), the bootstrap admin key, or anyone at all while no admin key is configured.
 * {@code organizationId} is null for the last two: they reach every organisation.
 * {@code fromQuery} says the key came in the {@code token} query parameter, which only read
 * endpoints take.
 */
public record Caller(String keyId, String keyPrefix, String organizationId, Set<Scope> scopes, boolean fromQuery) {
  /** The caller of an open server (no admin key configured): every organisation, every scope, no limit. */
  static final Caller ANYONE = new Caller(null, null, null, EnumSet.allOf(Scope.class), false);
  /** The id the bootstrap admin key is known by in rate limits and logs. */
  static final String ADMIN_KEY_ID = "admin";

  public Caller {
    scopes = Set.copyOf(scopes);
  }

  static Caller admin(boolean fromQuery) {
    return new Caller(ADMIN_KEY_ID, ADMIN_KEY_ID, null, EnumSet.allOf(Scope.class), fromQuery);
  }

  static Caller of(ApiKeys.Grant grant, boolean fromQuery) {
    return new Caller(grant.keyId(), grant.prefix(), grant.organizationId(), grant.scopes(), fromQuery);
  }

  /** Whether this caller reaches every organisation: the admin key, or anyone on an open server. */
  public boolean everyOrganization() {
    return organizationId == null;
  }

  /** Whether the caller may use {@code scope} in {@code organizationId}. */
  public boolean may(Scope scope, String organizationId) {
    return scopes.contains(scope) && (everyOrganization() || this.organizationId.equals(organizationId));
  }

  /** Why the caller may not use {@code scope} in {@code organizationId}, as a 403 says it. */
  public String refusal(Scope scope, String organizationId) {
    if (!scopes.contains(scope)) return keyName() + " has no " + scope.wireName() + " scope";
    return keyName() + " belongs to organization " + this.organizationId + ", not " + organizationId;
  }

  /** Whether the caller has a key at all (an open server's callers have none, and no rate limit). */
  boolean keyed() {
    return keyId != null;
  }

  /** How answers name the key: {@code bk_<prefix>…} (the prefix is not secret), or the admin key. */
  String keyName() {
    return ADMIN_KEY_ID.equals(keyId) ? "the admin key" : "the key " + ApiKeys.PREFIX + keyPrefix + "…";
  }
}
