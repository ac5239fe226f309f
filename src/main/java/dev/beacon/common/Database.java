package dev.beacon.common;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway owns every table: the migrations for the configured vendor, and those written in SQL
 * both vendors speak ({@code db/migration/common}), run before anything starts.
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private Database() {}

  public static void migrate(DatabaseSettings settings) {
    var location = settings.isPostgres() ? "classpath:db/migration/postgresql" : "classpath:db/migration/h2";
    var result = Flyway.configure()
        .dataSource(settings.effectiveUrl(), settings.user(), settings.password())
        .locations(location, "classpath:db/migration/common")
        .load()
        .migrate();
    log.info("Database {} at schema version {} ({} migrations applied)",
        redact(settings.url()), result.targetSchemaVersion, result.migrationsExecuted);
  }

  private static String redact(String url) {
    return url.replaceAll("password=[^&;]*", "password=***");
  }
}
