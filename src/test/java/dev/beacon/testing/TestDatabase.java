package dev.beacon.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A database for one test class: an H2 file database in a temporary folder, or a fresh
 * PostgreSQL database (created through BEACON_TEST_PG_URL, dropped by {@link #close()}).
 * Without a PostgreSQL in which the role may create databases its tests are skipped, with one
 * console line per run that says why and how to fix it, unless BEACON_TEST_REQUIRE_POSTGRES=true
 * (as in CI), which makes them fail.
 */
public final class TestDatabase implements AutoCloseable {
  private static final AtomicBoolean SKIP_REPORTED = new AtomicBoolean();

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
      unavailable(whyUnavailable(e, adminUrl(), user(), password()));
    }
  }

  /** Fails the test under BEACON_TEST_REQUIRE_POSTGRES=true; else skips it, saying why on the console once per run. */
  private static void unavailable(String why) {
    if (Boolean.parseBoolean(env("BEACON_TEST_REQUIRE_POSTGRES", "false"))) {
      Assertions.fail("PostgreSQL required (BEACON_TEST_REQUIRE_POSTGRES=true) but unavailable: " + why);
    }
    // Surefire keeps the reason of a skipped test in its XML only: the console line is what a user sees
    if (SKIP_REPORTED.compareAndSet(false, true)) {
      System.err.println("PostgreSQL tests skipped: " + why + " (BEACON_TEST_REQUIRE_POSTGRES=true makes this a failure)");
    }
    Assumptions.abort("PostgreSQL tests skipped: " + why);
  }

  /** The cause, and the statement or setting that fixes it, for a user who just ran the build. */
  static String whyUnavailable(SQLException e, String url, String user, String password) {
    var state = e.getSQLState() == null ? "" : e.getSQLState();
    var message = String.valueOf(e.getMessage());
    var createRole = "create the role as a superuser (e.g. in sudo -u postgres psql) with: CREATE ROLE " + user
        + " LOGIN PASSWORD '" + (password.equals("beacon") ? password : "<BEACON_TEST_PG_PASSWORD>") + "' CREATEDB;";
    if (state.equals("28000") && message.contains("does not exist")) {
      return "role " + user + " does not exist at " + url + "; " + createRole;
    }
    if (state.equals("28P01")) {
      // the server says the same whether the role is missing or its password differs
      return "role " + user + " cannot log in at " + url + " (password authentication failed: no such role, or another "
          + "password than BEACON_TEST_PG_PASSWORD); " + createRole;
    }
    if (state.equals("42501")) {
      return "role " + user + " may not create databases at " + url + "; allow it with: ALTER ROLE " + user + " CREATEDB;";
    }
    if (state.startsWith("08")) {
      return "no PostgreSQL accepts connections at " + url + " (" + message + "); start one, then " + createRole;
    }
    return "cannot create a database at " + url + " as " + user + ": " + message;
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
