package dev.beacon.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys in a real database: made with scopes, checked, listed without their secret, revoked
 * with effect at the next check; the table holds no key. Subclasses choose the database.
 */
abstract class ApiKeysContract {
  abstract TestDatabase database(Path dir);

  private TestDatabase db;
  private ReadSideDatabase pool;
  private ApiKeys keys;

  @BeforeEach
  void migrate() throws Exception {
    db = database(Files.createTempDirectory("beacon-keys"));
    var settings = new DatabaseSettings(db.url, db.user, db.password, 2);
    Database.migrate(settings);
    pool = new ReadSideDatabase(settings, 2);
    keys = new ApiKeys(pool.dataSource(), Clock.systemUTC());
  }

  @AfterEach
  void close() throws Exception {
    pool.close();
    db.close();
  }

  @Test
  void aKeyGrantsItsOrganisationAndScopesUntilItIsRevoked() throws Exception {
    var made = keys.create("shop", EnumSet.of(Scope.INGEST, Scope.READ));

    assertThat(made.key()).startsWith("bk_" + made.info().prefix() + "_").hasSize(3 + 8 + 1 + 24);
    var grant = keys.check(made.key()).orElseThrow();
    assertThat(grant.organizationId()).isEqualTo("shop");
    assertThat(grant.scopes()).containsExactlyInAnyOrder(Scope.INGEST, Scope.READ);
    assertThat(grant.allows("shop", Scope.READ)).isTrue();
    assertThat(grant.allows("shop", Scope.ADMIN)).isFalse();
    assertThat(grant.allows("other", Scope.READ)).isFalse();

    assertThat(keys.revoke("other", made.info().id())).as("another organisation's key").isFalse();
    assertThat(keys.revoke("shop", made.info().id())).isTrue();
    assertThat(keys.check(made.key())).as("revoked: refused at the next check").isEmpty();
    assertThat(keys.revoke("shop", made.info().id())).as("revoked once").isFalse();
    assertThat(keys.list("shop")).singleElement().satisfies(k -> assertThat(k.revokedAt()).isNotNull());
  }

  @Test
  void unknownAndMalformedKeysGrantNothing() throws Exception {
    var made = keys.create("shop", Set.of(Scope.ADMIN));

    assertThat(keys.check(made.key() + "x")).isEmpty();
    assertThat(keys.check(made.key().substring(0, made.key().length() - 1) + "!")).isEmpty();
    assertThat(keys.check("not a key")).isEmpty();
    assertThat(keys.check("")).isEmpty();
    assertThat(keys.check(null)).isEmpty();
  }

  @Test
  void listsShowPrefixesNeverKeysAndTheTableHoldsNoKey() throws Exception {
    var a = keys.create("shop", Set.of(Scope.READ));
    var b = keys.create("shop", Set.of(Scope.INGEST));
    keys.create("other", Set.of(Scope.READ));

    var listed = keys.list("shop");
    assertThat(listed).extracting(ApiKeys.KeyInfo::id).containsExactlyInAnyOrder(a.info().id(), b.info().id());
    assertThat(listed.toString()).doesNotContain(a.key(), b.key());
    var stored = new ArrayList<String>();
    try (var c = DriverManager.getConnection(db.url, db.user, db.password);
         var rs = c.createStatement().executeQuery("SELECT * FROM api_keys")) {
      while (rs.next()) for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) stored.add(String.valueOf(rs.getObject(i)));
    }
    assertThat(String.join(" ", stored)).doesNotContain(a.key(), b.key(), a.key().substring(12));
    assertThat(stored).contains(ApiKeys.hash(a.key()));
  }

  @Test
  void aKeyNeedsAScope() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.create("shop", Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
