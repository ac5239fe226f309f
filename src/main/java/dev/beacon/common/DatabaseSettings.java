package dev.beacon.common;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code beacon.db}: the JDBC URL (empty = an H2 file database under the data directory), the
 * credentials, the pool size, and what follows from the URL: the vendor, the driver and the
 * Slick profile the journal plugin needs.
 */
public record DatabaseSettings(String url, String user, String password, int maxPoolSize) {
  private static final String H2_FILE = "jdbc:h2:file:";

  public static DatabaseSettings from(Config beacon) {
    var url = beacon.getString("db.url");
    if (url.isBlank()) {
      var file = Path.of(beacon.getString("data-dir")).toAbsolutePath().normalize().resolve("db").resolve("beacon");
      url = H2_FILE + file + ";DB_CLOSE_DELAY=-1";
    }
    return new DatabaseSettings(url, beacon.getString("db.user"), beacon.getString("db.password"),
        beacon.getInt("db.max-pool-size"));
  }

  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  public boolean isH2() {
    return url.startsWith("jdbc:h2:");
  }

  /** The file of an H2 file database ({@code jdbc:h2:file:…}), without H2's extension; empty for other URLs. */
  public Optional<Path> h2File() {
    if (!url.startsWith(H2_FILE)) return Optional.empty();
    var file = url.substring(H2_FILE.length()).replaceFirst(";.*$", "").replaceFirst("^~", System.getProperty("user.home"));
    return Optional.of(Path.of(file).toAbsolutePath().normalize());
  }

  public String driver() {
    if (isPostgres()) return "org.postgresql.Driver";
    if (isH2()) return "org.h2.Driver";
    throw new IllegalArgumentException("beacon.db.url: only H2 and PostgreSQL are supported, got " + url);
  }

  public String slickProfile() {
    return isPostgres() ? "slick.jdbc.PostgresProfile$" : "slick.jdbc.H2Profile$";
  }

  /**
   * The URL with the driver options Beacon relies on. PostgreSQL rewrites batched inserts and
   * prepares every statement on the server at once, so results come back in binary (journal
   * payloads as bytes, not as hex text to decode). H2 stays open at JVM exit, because on SIGTERM
   * the stream still drains and commits into it, and writes each commit to its file before the
   * commit returns: by default it holds commits in memory for up to 500 ms, and a killed process
   * lost events whose Kafka offsets were already committed (H2 still does not fsync: a power cut
   * can lose the last commits, a killed process cannot).
   */
  public String effectiveUrl() {
    var effective = url;
    if (isPostgres()) {
      if (!effective.contains("reWriteBatchedInserts")) effective = withParameter(effective, "reWriteBatchedInserts=true");
      if (!effective.contains("prepareThreshold")) effective = withParameter(effective, "prepareThreshold=-1");
    }
    var upper = effective.toUpperCase(java.util.Locale.ROOT);
    if (isH2() && !upper.contains("DB_CLOSE_ON_EXIT")) effective += ";DB_CLOSE_ON_EXIT=FALSE";
    if (isH2() && !upper.contains("WRITE_DELAY")) effective += ";WRITE_DELAY=0";
    return effective;
  }

  private static String withParameter(String url, String parameter) {
    return url + (url.contains("?") ? "&" : "?") + parameter;
  }
}
