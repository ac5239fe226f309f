package dev.beacon.common;

import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway owns every table: the migrations for the configured vendor, and those written in SQL
 * both vendors speak ({@code db/migration/common}), run before anything starts. A database that
 * cannot be reached or opened stops the start with what to do about it.
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;

  private Database() {}

  public static void migrate(DatabaseSettings settings) {
    var location = settings.isPostgres() ? "classpath:db/migration/postgresql" : "classpath:db/migration/h2";
    try {
      var result = Flyway.configure()
          .dataSource(settings.effectiveUrl(), settings.user(), settings.password())
          .locations(location, "classpath:db/migration/common")
          .load()
          .migrate();
      log.info("Database {} at schema version {} ({} migrations applied)",
          redact(settings.url()), result.targetSchemaVersion, result.migrationsExecuted);
    } catch (FlywayException e) {
      throw failure(settings, e);
    }
  }

  private static StartupFailure failure(DatabaseSettings settings, FlywayException e) {
    var sql = StartupFailure.cause(e, SQLException.class).orElse(null);
    if (sql == null) {
      return new StartupFailure("database migration failed on " + redact(settings.url()) + ": " + StartupFailure.rootReason(e), e);
    }
    return settings.isPostgres() ? postgres(settings, sql, e) : h2(settings, sql, e);
  }

  private static StartupFailure postgres(DatabaseSettings settings, SQLException sql, FlywayException e) {
    var state = sql.getSQLState() == null ? "" : sql.getSQLState();
    var uri = URI.create(settings.url().substring("jdbc:".length()));
    var server = uri.getAuthority() == null ? redact(settings.url()) : uri.getAuthority();
    var name = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    var reason = StartupFailure.rootReason(sql).replaceFirst("^FATAL: ", "");
    if (state.equals("3D000")) {
      return new StartupFailure("PostgreSQL database \"" + name + "\" does not exist on " + server
          + "; create it (as a superuser): CREATE DATABASE \"" + name + "\" OWNER \"" + settings.user() + "\";", e);
    }
    if (state.startsWith("28")) {
      return new StartupFailure("PostgreSQL on " + server + " refused user \"" + settings.user() + "\" (" + reason
          + "); create the role (as a superuser): CREATE ROLE \"" + settings.user()
          + "\" LOGIN PASSWORD '…'; or set BEACON_DB_USER and BEACON_DB_PASSWORD", e);
    }
    if (state.startsWith("08")) {
      return new StartupFailure("PostgreSQL on " + server + " is not reachable (" + reason
          + "); start it, or point BEACON_DB_URL at a running one", e);
    }
    return new StartupFailure("PostgreSQL on " + server + ": " + reason, e);
  }

  private static StartupFailure h2(DatabaseSettings settings, SQLException sql, FlywayException e) {
    var file = settings.h2File().map(Path::toString).orElse(settings.url());
    if (sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
      return new StartupFailure("H2 database " + file + " is in use by another process (another Beacon on the same "
          + "BEACON_DATA_DIR?); stop it, or set BEACON_DATA_DIR to another directory", e);
    }
    return new StartupFailure("H2 database " + file + " cannot be opened (" + StartupFailure.rootReason(sql)
        + "); make its directory writable, or set BEACON_DATA_DIR", e);
  }

  private static String redact(String url) {
    return url.replaceAll("password=[^&;]*", "password=***");
  }
}
