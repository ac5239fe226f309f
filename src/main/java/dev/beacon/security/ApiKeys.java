package dev.beacon.security;

import dev.beacon.common.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The organisations' API keys, kept in the database ({@code api_keys}): made with a set of
 * scopes, listed without their secret, revoked, and checked. A key reads
 * {@code bk_<prefix>_<secret>}: 8 random characters that name it in lists, then 24 more; only its
 * SHA-256 is stored, so the key is shown once, when it is made, and a stolen table yields no key.
 * Checking a key is one indexed read, so a revocation takes effect at the next request, on every
 * node. Written here (not a library) because it is a table, a hash and a random string.
 */
public final class ApiKeys {
  static final String PREFIX = "bk_";
  private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private final DataSource dataSource;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public ApiKeys(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** A key as the admin API lists it: never its secret. */
  public record KeyInfo(String id, String organizationId, String prefix, Set<Scope> scopes, Instant createdAt,
      Instant revokedAt) {}

  /** A key just made: the only time {@code key} is shown. */
  public record CreatedKey(KeyInfo info, String key) {}

  /** What a valid key grants: its organisation and scopes, and its id and prefix (for answers and logs, never the key). */
  public record Grant(String keyId, String prefix, String organizationId, Set<Scope> scopes) {
    public boolean allows(String organizationId, Scope scope) {
      return this.organizationId.equals(organizationId) && scopes.contains(scope);
    }
  }

  public CreatedKey create(String organizationId, Set<Scope> scopes) throws SQLException {
    if (scopes.isEmpty()) throw new IllegalArgumentException("a key needs at least one scope");
    var prefix = randomText(8);
    var key = PREFIX + prefix + "_" + randomText(24);
    var id = randomText(16);
    var now = Instant.ofEpochMilli(clock.millis());
    try (var c = dataSource.getConnection()) {
      Sql.update(c, "INSERT INTO api_keys (id, organization_id, prefix, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          id, organizationId, prefix, hash(key), wire(scopes), Timestamp.from(now));
      if (!c.getAutoCommit()) c.commit();
    }
    return new CreatedKey(new KeyInfo(id, organizationId, prefix, EnumSet.copyOf(scopes), now, null), key);
  }

  /** The organisation's keys, oldest first, revoked ones included (with when). */
  public List<KeyInfo> list(String organizationId) throws SQLException {
    return Sql.list(dataSource, """
        SELECT id, organization_id, prefix, scopes, created_at, revoked_at FROM api_keys
        WHERE organization_id = ? ORDER BY created_at, id""", rs -> new KeyInfo(rs.getString(1), rs.getString(2),
        rs.getString(3), scopes(rs.getString(4)), rs.getTimestamp(5).toInstant(),
        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()), organizationId);
  }

  /** Revokes one of the organisation's keys; false when it has no such key that is not revoked yet. */
  public boolean revoke(String organizationId, String id) throws SQLException {
    try (var c = dataSource.getConnection()) {
      var revoked = Sql.update(c, "UPDATE api_keys SET revoked_at = ? WHERE organization_id = ? AND id = ? AND revoked_at IS NULL",
          Timestamp.from(Instant.ofEpochMilli(clock.millis())), organizationId, id) == 1;
      if (!c.getAutoCommit()) c.commit();
      return revoked;
    }
  }

  /** What the key grants, or empty when it is unknown, revoked or not a Beacon key at all. */
  public Optional<Grant> check(String key) throws SQLException {
    if (key == null || !key.startsWith(PREFIX) || key.length() > 64) return Optional.empty();
    try (var c = dataSource.getConnection()) {
      return Sql.first(c, "SELECT id, prefix, organization_id, scopes FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
          rs -> new Grant(rs.getString(1), rs.getString(2), rs.getString(3), scopes(rs.getString(4))), hash(key));
    }
  }

  static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private String randomText(int length) {
    var chars = new char[length];
    for (int i = 0; i < length; i++) chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    return new String(chars);
  }

  private static String wire(Set<Scope> scopes) {
    return scopes.stream().sorted().map(Scope::wireName).collect(Collectors.joining(","));
  }

  private static Set<Scope> scopes(String wire) {
    var scopes = EnumSet.noneOf(Scope.class);
    Arrays.stream(wire.split(",")).map(Scope::fromWire).flatMap(Optional::stream).forEach(scopes::add);
    return scopes;
  }
}
