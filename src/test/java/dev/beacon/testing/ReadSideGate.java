package dev.beacon.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * A gate at the end of the journey projection's writes: a trigger on its progress row, the
 * last thing it writes in a group's transaction. Pekko writes a group's offset first, then the handler writes the read
 * tables, then all commits; a writer held here has written both its offset and its rows, and
 * in an exactly-once projection has committed neither. Had it committed the offset on its own,
 * a crash here would lose the group's rows; had it committed rows, they would be written twice.
 * The gate holds one writer (one projection slice) at a time; the others pass.
 */
public abstract sealed class ReadSideGate implements AutoCloseable {
  final Connection connection;

  private ReadSideGate(TestDatabase db) throws SQLException {
    this.connection = db.connect();
    connection.setAutoCommit(true);
  }

  /**
   * Installs the gate, open, on a migrated database. Before a server starts: creating the
   * trigger under a running projection fails the transactions it has open.
   */
  public static ReadSideGate install(TestDatabase db) throws SQLException {
    return db.isPostgres() ? new Postgres(db) : new H2(db);
  }

  /** From now on, the next writer waits at the gate. */
  public abstract void hold() throws SQLException;

  /** Lets every writer through. */
  public abstract void release() throws SQLException;

  abstract boolean holdsAWriter() throws SQLException;

  /** True while a transaction waits for a lock that another one holds. */
  abstract boolean queuesAWriter() throws SQLException;

  public void awaitHeldWriter(Duration atMost) {
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(this::holdsAWriter);
  }

  /** Waits for a second writer queued behind the held one (on its offset row). */
  public void awaitQueuedWriter(Duration atMost) {
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(this::queuesAWriter);
  }

  long count(String sql) throws SQLException {
    try (var st = connection.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  /**
   * An advisory lock the test holds and the trigger waits for; the writer that takes a second
   * lock first is the one that waits, the others pass.
   */
  static final class Postgres extends ReadSideGate {
    private static final long KEY = 8_424_242;
    private static final long FIRST = 8_424_243;

    Postgres(TestDatabase db) throws SQLException {
      super(db);
      try (var st = connection.createStatement()) {
        st.execute("CREATE OR REPLACE FUNCTION beacon_test_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + "IF pg_try_advisory_xact_lock(" + FIRST + ") THEN PERFORM pg_advisory_xact_lock_shared(" + KEY + "); END IF; "
            + "RETURN NULL; END $$");
        st.execute("CREATE TRIGGER beacon_test_gate AFTER INSERT OR UPDATE ON journey_read_progress FOR EACH ROW "
            + "EXECUTE FUNCTION beacon_test_gate()");
      }
    }

    @Override
    public void hold() throws SQLException {
      execute("SELECT pg_advisory_lock(" + KEY + ")");
    }

    @Override
    public void release() throws SQLException {
      // a session that is gone (a crash of the database's sessions) took its lock with it
      if (connection.isValid(1)) execute("SELECT pg_advisory_unlock_all()");
    }

    @Override
    boolean holdsAWriter() throws SQLException {
      return count("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
          + "WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted") > 0;
    }

    @Override
    boolean queuesAWriter() throws SQLException {
      return count("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted") > 0;
    }

    private void execute(String sql) throws SQLException {
      try (var st = connection.createStatement()) {
        st.execute(sql);
      }
    }
  }

  /** A Java trigger: H2 runs it on the writer's thread, in this JVM. */
  static final class H2 extends ReadSideGate {
    private static final Object LOCK = new Object();
    private static boolean holding;
    private static boolean armed;
    private static int held;

    H2(TestDatabase db) throws SQLException {
      super(db);
      try (var st = connection.createStatement()) {
        st.execute("CREATE TRIGGER BEACON_TEST_GATE AFTER INSERT, UPDATE ON JOURNEY_READ_PROGRESS FOR EACH ROW CALL '"
            + Hold.class.getName() + "'");
      }
    }

    @Override
    public void hold() {
      synchronized (LOCK) {
        holding = true;
        armed = true;
      }
    }

    @Override
    public void release() {
      synchronized (LOCK) {
        holding = false;
        armed = false;
        LOCK.notifyAll();
      }
    }

    @Override
    boolean holdsAWriter() {
      synchronized (LOCK) {
        return held > 0;
      }
    }

    /** H2 gives up on a lock after a second; the writer tries again when its projection restarts. */
    @Override
    boolean queuesAWriter() throws SQLException {
      return count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL") > 0;
    }

    @Override
    public void close() throws SQLException {
      release();
      super.close();
    }

    /** Loaded by H2 by name. */
    public static final class Hold implements org.h2.api.Trigger {
      @Override
      public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        synchronized (LOCK) {
          if (!armed) return;
          armed = false;
          held++;
          try {
            var deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (holding && System.nanoTime() < deadline) LOCK.wait(1_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted at the gate", e);
          } finally {
            held--;
          }
        }
      }
    }
  }
}
