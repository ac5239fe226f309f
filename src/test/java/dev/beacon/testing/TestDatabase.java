package dev.beacon.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
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

  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  /** Host and port of a PostgreSQL database, as in its URL. */
  public InetSocketAddress address() {
    var authority = URI.create(url.substring("jdbc:".length())).getAuthority();
    var colon = authority.lastIndexOf(':');
    return colon < 0 ? new InetSocketAddress(authority, 5432)
        : new InetSocketAddress(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
  }

  /** The same PostgreSQL database reached through a local port (a proxy in front of it); closing this drops nothing. */
  public TestDatabase throughLocalPort(int port) {
    return new TestDatabase(url.replaceFirst("//[^/]+/", "//127.0.0.1:" + port + "/"), user, password, null);
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  /**
   * The database side of a server process killed with -9: PostgreSQL loses the process's
   * connections and rolls back their open transactions; H2, which lives inside the process,
   * closes its files without writing what it held only in memory.
   */
  public void crash() throws SQLException {
    try (var c = connect(); var st = c.createStatement()) {
      if (isPostgres()) {
        st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND pid <> pg_backend_pid()");
      } else {
        st.execute("SHUTDOWN IMMEDIATELY");
      }
    } catch (SQLException e) {
      // H2: the statement's own connection goes down with the database
      if (isPostgres()) throw e;
    }
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
