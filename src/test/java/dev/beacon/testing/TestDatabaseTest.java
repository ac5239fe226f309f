package dev.beacon.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The line that says why the PostgreSQL tests were skipped names the cause and the fix. */
class TestDatabaseTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

  private static String why(String message, String sqlState, String password) {
    return TestDatabase.whyUnavailable(new SQLException(message, sqlState), URL, "beacon", password);
  }

  @Test
  void aMissingRoleIsNamedWithTheStatementThatCreatesIt() {
    assertEquals("role beacon does not exist at " + URL + "; create the role as a superuser (e.g. in sudo -u postgres psql) "
        + "with: CREATE ROLE beacon LOGIN PASSWORD 'beacon' CREATEDB;", why("FATAL: role \"beacon\" does not exist", "28000", "beacon"));
  }

  @Test
  void aFailedPasswordLoginSuggestsTheRoleWithoutEchoingACustomPassword() {
    assertEquals("role beacon cannot log in at " + URL + " (password authentication failed: no such role, or another password "
        + "than BEACON_TEST_PG_PASSWORD); create the role as a superuser (e.g. in sudo -u postgres psql) with: CREATE ROLE beacon "
        + "LOGIN PASSWORD '<BEACON_TEST_PG_PASSWORD>' CREATEDB;", why("FATAL: password authentication failed", "28P01", "s3cret"));
  }

  @Test
  void aRoleWithoutCreatedbIsToldToGetIt() {
    assertEquals("role beacon may not create databases at " + URL + "; allow it with: ALTER ROLE beacon CREATEDB;",
        why("ERROR: permission denied to create database", "42501", "beacon"));
  }

  @Test
  void noServerAtAllSaysSoAndKeepsTheDriverMessage() {
    assertEquals("no PostgreSQL accepts connections at " + URL + " (Connection to 127.0.0.1:5432 refused.); start one, then "
        + "create the role as a superuser (e.g. in sudo -u postgres psql) with: CREATE ROLE beacon LOGIN PASSWORD 'beacon' CREATEDB;",
        why("Connection to 127.0.0.1:5432 refused.", "08001", "beacon"));
  }
}
