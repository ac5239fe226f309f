package dev.beacon.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two requests linking the same ids in opposite orders, on PostgreSQL: one waits on the other's
 * row and the other on its, a deadlock the database ends by rolling one back. A Segment batch
 * (concurrent senders, one user's visit split across two batches) meets this; its request reads
 * the links again and answers, rather than failing with 500.
 */
class IdentityLinksConcurrencyTest {
  @Test
  void aRequestRolledBackToEndADeadlockLinksItsIdsAllTheSame() throws Exception {
    try (var db = TestDatabase.postgres()) {
      var settings = new DatabaseSettings(db.url, db.user, db.password, 2);
      Database.migrate(settings);
      try (var readSide = new ReadSideDatabase(settings, 2); var other = db.connect(); var watcher = db.connect()) {
        var links = new IdentityLinks(readSide.dataSource(), Clock.systemUTC(), 100, Duration.ofMinutes(1));
        other.setAutoCommit(false);
        link(other, "b");
        // links a, then waits on the other request's b
        var resolving = CompletableFuture.supplyAsync(() -> {
          try {
            return links.journeyUsers("acme", List.of(new IdentityLinks.Ids("a", null), new IdentityLinks.Ids("b", null)));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnLocks(watcher) == 1);
        // the other request now waits on a: the one that waited first (the resolving one) is rolled back
        link(other, "a");
        other.commit();

        assertThat(resolving.get(30, TimeUnit.SECONDS)).containsExactly("a", "b");
      }
    }
  }

  private static void link(Connection connection, String id) throws SQLException {
    try (var insert = connection.prepareStatement(
        "INSERT INTO identity_links (organization_id, id, journey_user_id, linked_at) VALUES ('acme', ?, ?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, id);
      insert.setTimestamp(3, Timestamp.from(Instant.now()));
      insert.executeUpdate();
    }
  }

  private static int waitingOnLocks(Connection watcher) throws SQLException {
    try (var st = watcher.createStatement(); var rs = st.executeQuery(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
