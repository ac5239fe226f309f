package dev.beacon.journey;

import dev.beacon.common.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The highest journal ordering each projection slice has written to the read tables, read and
 * written in the projection's transaction ({@code journey_read_progress}).
 *
 * <p>Why: Pekko Projections restarts a failed projection stream without waiting for a handler
 * transaction that is still open (a slow one, when the event source fails meanwhile). The new
 * stream reads the last committed offset and hands the same events to a second transaction,
 * which waits on the first one's offset row and then wrote the same rows again. Pekko writes the
 * offset before the handler runs, so when a transaction reads its progress here every earlier
 * one has ended (on H2 the wait gives up after the lock timeout, and the projection restarts).
 *
 * <p>Rebuilding the read tables from the journal (clearing them and the projection's offsets)
 * clears this table too.
 */
final class ReadProgress {
  private ReadProgress() {}

  /** The highest ordering applied for the slice, or 0. */
  static long applied(Connection connection, int slice) throws SQLException {
    return Sql.first(connection, "SELECT applied_ordering FROM journey_read_progress WHERE projection_slice = ?",
        rs -> rs.getLong(1), slice).orElse(0L);
  }

  static void record(Connection connection, int slice, long ordering) throws SQLException {
    Sql.update(connection, """
        MERGE INTO journey_read_progress t
        USING (VALUES (CAST(? AS INTEGER), CAST(? AS BIGINT))) AS s (projection_slice, applied_ordering)
        ON t.projection_slice = s.projection_slice
        WHEN MATCHED THEN UPDATE SET applied_ordering = s.applied_ordering
        WHEN NOT MATCHED THEN INSERT (projection_slice, applied_ordering) VALUES (s.projection_slice, s.applied_ordering)""",
        slice, ordering);
  }
}
