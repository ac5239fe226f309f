package dev.beacon.privacy;

import dev.beacon.common.Sql;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention per organisation ({@code beacon.privacy.retention}): the journeys no batch touched for
 * that many days go from their buckets, each bucket takes a snapshot, and its journal is cut below
 * it ({@link JournalCompaction}): the older journal events go with it. Aggregates (campaign
 * counters, the read side's daily rows) stay. Each organisation's last run is kept in
 * {@code retention_runs}, for the audit. Runs on the erasures' singleton, between requests.
 */
public final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);
  private final DataSource dataSource;
  private final PrivacySettings settings;
  private final JourneyJournals journeys;
  private final JournalCompaction compaction;
  private final Clock clock;
  private final Duration timeout;

  public Retention(DataSource dataSource, PrivacySettings settings, JourneyJournals journeys, JournalCompaction compaction,
      Clock clock, Duration timeout) {
    this.dataSource = dataSource;
    this.settings = settings;
    this.journeys = journeys;
    this.compaction = compaction;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** An organisation's last enforcement. */
  public record Run(Instant ranAt, Instant cutoff, int journals, int journalRows, int snapshots, String error) {}

  /** Enforces every organisation's retention once (blocking: run it off the actor threads). */
  public void enforce() throws SQLException {
    for (var organization : organizations()) {
      var days = settings.retentionDays(organization);
      if (days.isEmpty()) continue;
      enforce(organization, days.get());
    }
  }

  /** Enforces one organisation's retention of {@code days} days; the run is recorded, its error too. */
  public Run enforce(String organizationId, int days) throws SQLException {
    var now = clock.instant();
    var cutoff = now.minus(Duration.ofDays(days));
    int journals = 0;
    int rows = 0;
    int snapshots = 0;
    String error = null;
    try {
      for (var entityId : entities(organizationId)) {
        var forgotten = journeys.expire(entityId, cutoff.toEpochMilli()).toCompletableFuture()
            .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        var compacted = compaction.compact(forgotten);
        journals++;
        rows += compacted.journalRows();
        snapshots += compacted.snapshots();
        if (!compacted.done()) error = "the read side has not read far enough: " + compacted.waitingFor();
      }
    } catch (Exception e) {
      error = (e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e).toString();
    }
    var run = new Run(now, cutoff, journals, rows, snapshots, error);
    record(organizationId, run);
    if (error == null) {
      log.info("Retention of organisation {} ({} days): {} journey journal(s) cut, {} row(s) and {} snapshot(s) deleted",
          organizationId, days, journals, rows, snapshots);
    } else {
      log.warn("Retention of organisation {} ({} days) not complete, tried again at the next run: {}", organizationId, days, error);
    }
    return run;
  }

  /** The organisation's last run, if any. */
  public Optional<Run> lastRun(String organizationId) throws SQLException {
    try (var c = dataSource.getConnection()) {
      return Sql.first(c, "SELECT ran_at, cutoff, journals, journal_rows, snapshots, error FROM retention_runs "
          + "WHERE organization_id = ?", row -> new Run(row.getTimestamp(1).toInstant(), row.getTimestamp(2).toInstant(),
          row.getInt(3), row.getInt(4), row.getInt(5), row.getString(6)), organizationId);
    }
  }

  /** The journey bucket entities of the organisation that have a journal or a snapshot. */
  List<String> entities(String organizationId) throws SQLException {
    var prefix = journeys.entityType() + "|" + organizationId + "|";
    var ids = new TreeSet<String>();
    for (var table : List.of("\"event_journal\"", "\"snapshot\"")) {
      Sql.forEach(dataSource, "SELECT DISTINCT \"persistence_id\" FROM " + table + " WHERE \"persistence_id\" LIKE ?",
          row -> ids.add(row.getString(1).substring(journeys.entityType().length() + 1)), like(prefix));
    }
    return new ArrayList<>(ids);
  }

  /** The organisations that have journey journals. */
  private List<String> organizations() throws SQLException {
    var organizations = new TreeSet<String>();
    var prefix = journeys.entityType() + "|";
    Sql.forEach(dataSource, "SELECT DISTINCT \"persistence_id\" FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?", row -> {
      var id = row.getString(1).substring(prefix.length());
      organizations.add(id.substring(0, id.lastIndexOf('|')));
    }, like(prefix));
    return new ArrayList<>(organizations);
  }

  /** Journal rows and snapshots of the organisation's journeys, for the audit. */
  public long[] journalSize(String organizationId) throws SQLException {
    var prefix = like(journeys.entityType() + "|" + organizationId + "|");
    var counts = new long[2];
    Sql.forEach(dataSource, "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?", row -> counts[0] = row.getLong(1), prefix);
    Sql.forEach(dataSource, "SELECT COUNT(*) FROM \"snapshot\" WHERE \"persistence_id\" LIKE ?", row -> counts[1] = row.getLong(1), prefix);
    return counts;
  }

  private static String like(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  private void record(String organizationId, Run run) throws SQLException {
    try (var c = dataSource.getConnection()) {
      Sql.update(c, "DELETE FROM retention_runs WHERE organization_id = ?", organizationId);
      Sql.update(c, "INSERT INTO retention_runs (organization_id, ran_at, cutoff, journals, journal_rows, snapshots, error) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?)", organizationId, Timestamp.from(run.ranAt()), Timestamp.from(run.cutoff()),
          run.journals(), run.journalRows(), run.snapshots(), run.error() == null ? null : truncate(run.error()));
      if (!c.getAutoCommit()) c.commit();
    }
  }

  private static String truncate(String text) {
    return text.length() > 1000 ? text.substring(0, 1000) : text;
  }
}
