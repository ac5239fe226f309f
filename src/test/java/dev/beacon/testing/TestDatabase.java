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
    var adminUrl = env("BEACON_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    var user = env("BEACON_TEST_PG_USER", "beacon");
    var password = env("BEACON_TEST_PG_PASSWORD", "beacon");
    var name = "beacon_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (var admin = DriverManager.getConnection(adminUrl, user, password); var st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      var why = "PostgreSQL not reachable at " + adminUrl + " as " + user + ": " + e.getMessage();
      if (Boolean.parseBoolean(env("BEACON_TEST_REQUIRE_POSTGRES", "false"))) Assertions.fail(why);
      Assumptions.abort(why + " (set BEACON_TEST_REQUIRE_POSTGRES=true to make this a failure)");
    }
    var base = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1);
    return new TestDatabase(base + name, user, password, name);
  }

  /** The HOCON lines that point Beacon at this database. */
  public String config() {
    return "beacon.db.url = \"" + url + "\"\nbeacon.db.user = \"" + user + "\"\nbeacon.db.password = \"" + password + "\"\n";
  }

  @Override
  public void close() {
    if (dropName == null) return;
    var adminUrl = env("BEACON_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    try (var admin = DriverManager.getConnection(adminUrl, user, password); var st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + dropName + " WITH (FORCE)");
    } catch (SQLException e) {
      System.err.println("Could not drop test database " + dropName + ": " + e.getMessage());
    }
  }

  private static String env(String name, String fallback) {
    var value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
