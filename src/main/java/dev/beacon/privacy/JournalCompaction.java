package dev.beacon.privacy;

import dev.beacon.common.Sql;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Deletes what an entity's journal and snapshots hold below a snapshot that is complete without
 * a forgotten user ({@link Forgotten}): the rows that named the user go with the rest of the
 * entity's history, which its snapshot already holds. Plain SQL on Persistence JDBC's tables,
 * since Pekko's own {@code deleteEvents} keeps the highest row it deletes (marked deleted, its
 * payload intact) and only runs inside the entity.
 *
 * <p>A projection that reads an entity type's events by tag must have read past the rows first,
 * or the read side would lose them: {@code readers} names them per entity type (the part of the
 * persistence id before {@code |}), and {@link #compact} deletes nothing until each has stored an
 * offset at or past the newest tagged row it would delete.
 */
public final class JournalCompaction {
  private final DataSource dataSource;
  private final Map<String, List<String>> readers;

  public JournalCompaction(DataSource dataSource, Map<String, List<String>> readers) {
    this.dataSource = dataSource;
    this.readers = Map.copyOf(readers);
  }

  /** What one compaction did: rows and snapshots deleted; or, when a reader is behind, which one. */
  public record Compacted(int journalRows, int snapshots, String waitingFor) {
    public boolean done() {
      return waitingFor == null;
    }
  }

  /** Deletes the rows and snapshots of {@code forgotten}'s entity below its snapshot, once its readers have passed them. */
  public Compacted compact(Forgotten forgotten) throws SQLException {
    var pid = forgotten.persistenceId();
    var below = forgotten.snapshotSequenceNr();
    try (var connection = dataSource.getConnection()) {
      var type = pid.substring(0, Math.max(0, pid.indexOf('|')));
      for (var tagged : Sql.list(connection, "SELECT t.\"tag\", MAX(j.\"ordering\") FROM \"event_journal\" j "
          + "JOIN \"event_tag\" t ON t.\"event_id\" = j.\"ordering\" WHERE j.\"persistence_id\" = ? AND j.\"sequence_number\" < ? "
          + "GROUP BY t.\"tag\"", row -> new Object[] {row.getString(1), row.getLong(2)}, pid, below)) {
        var tag = (String) tagged[0];
        var newest = (long) tagged[1];
        for (var projection : readers.getOrDefault(type, List.of())) {
          var read = Sql.first(connection, "SELECT \"current_offset\" FROM \"pekko_projection_offset_store\" "
              + "WHERE \"projection_name\" = ? AND \"projection_key\" = ?", row -> Long.parseLong(row.getString(1)), projection, tag);
          if (read.isEmpty() || read.get() < newest) {
            return new Compacted(0, 0, projection + " (" + tag + ") at " + read.map(String::valueOf).orElse("nothing")
                + ", the rows go up to " + newest);
          }
        }
      }
      var rows = Sql.update(connection, "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?",
          pid, below);
      var snapshots = Sql.update(connection, "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?",
          pid, below);
      if (!connection.getAutoCommit()) connection.commit();
      return new Compacted(rows, snapshots, null);
    }
  }
}
