package dev.beacon.testing;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A database for one test class: an H2 file database in a temporary folder, or a fresh
 * PostgreSQL database (created through BEACON_TEST_PG_URL, dropped by {@link #close()}).
 * Without a reachable PostgreSQL its tests are skipped, unless BEACON_TEST_REQUIRE_POSTGRES=true
 * (as in CI), which makes them fail.
 */
public final class TestDatabase implements AutoCloseable {
  public final String url;
  public final String user;
  public final String password;
  private final String dropName;

  private TestDatabase(String url, String user, String password, String dropName) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.dropName = dropName;
  }

  public static TestDatabase h2(Path dir) {
    return new TestDatabase("jdbc:h2:file:" + dir.toAbsolutePath().resolve("beacon") + ";DB_CLOSE_DELAY=-1", "beacon", "", null);
  }

  public static TestDatabase postgres() {
    var name = "beacon_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    onPostgres("CREATE DATABASE " + name);
    return new TestDatabase(serverUrl() + name, user(), password(), name);
  }

  /** A database that does not exist, on the PostgreSQL of BEACON_TEST_PG_URL (which must be reachable). */
  public static TestDatabase missingPostgres() {
    onPostgres("SELECT 1");
    var name = "beacon_missing_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return new TestDatabase(serverUrl() + name, user(), password(), null);
  }

  /** Runs a statement on the admin database; skips the test (or fails it, as CI wants) when that is out of reach. */
  private static void onPostgres(String sql) {
    try (var admin = DriverManager.getConnection(adminUrl(), user(), password()); var st = admin.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      var why = "PostgreSQL not reachable at " + adminUrl() + " as " + user() + ": " + e.getMessage();
      if (Boolean.parseBoolean(env("BEACON_TEST_REQUIRE_POSTGRES", "false"))) Assertions.fail(why);
      Assumptions.abort(why + " (set BEACON_TEST_REQUIRE_POSTGRES=true to make this a failure)");
    }
  }

  /** The HOCON lines that point Beacon at this database. */
  public String config() {
    return "beacon.db.url = \"" + url + "\"\nbeacon.db.user = \"" + user + "\"\nbeacon.db.password = \"" + password + "\"\n";
  }

  @Override
  public void close() {
    if (dropName == null) return;
    try (var admin = DriverManager.getConnection(adminUrl(), user, password); var st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + dropName + " WITH (FORCE)");
    } catch (SQLException e) {
      System.err.println("Could not drop test database " + dropName + ": " + e.getMessage());
    }
  }

  private static String adminUrl() {
    return env("BEACON_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  }

  /** The admin URL without its database name. */
  private static String serverUrl() {
    return adminUrl().substring(0, adminUrl().lastIndexOf('/') + 1);
  }

  private static String user() {
    return env("BEACON_TEST_PG_USER", "beacon");
  }

  private static String password() {
    return env("BEACON_TEST_PG_PASSWORD", "beacon");
  }

  private static String env(String name, String fallback) {
    var value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
