package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.common.Sql;
import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attribution queries over the read tables of a real (H2) database: a channel whose credits
 * or sessions a restatement took back entirely adds up to nothing and is not listed.
 */
class AttributionQueriesTest {
  @Test
  void aChannelRestatedAwayIsNotListed(@TempDir Path dir) throws Exception {
    var db = TestDatabase.h2(dir);
    var settings = new DatabaseSettings(db.url, db.user, db.password, 2);
    Database.migrate(settings);
    var day = LocalDate.of(2026, 12, 1);
    try (var pool = new ReadSideDatabase(settings, 2)) {
      try (var c = pool.dataSource().getConnection()) {
        // the purchase first credited to Direct (slice 0), restated to Paid Search (taken off on slice 1)
        for (var row : new Object[][] {{0, "Direct", 1.0, 49.0}, {1, "Direct", -1.0, -49.0}, {1, "Paid Search", 1.0, 49.0}}) {
          Sql.update(c, "INSERT INTO attribution_daily VALUES (?, 'shop', ?, ?, 'spring', 'first_click', ?, ?)",
              row[0], day, row[1], row[2], row[3]);
        }
        for (var row : new Object[][] {{0, "Direct", 1, 1}, {1, "Direct", -1, -1}, {1, "Paid Search", 1, 1}}) {
          Sql.update(c, "INSERT INTO session_daily VALUES (?, 'shop', ?, ?, ?, ?)", row[0], day, row[1], row[2], row[3]);
        }
        if (!c.getAutoCommit()) c.commit();
      }
      var queries = new AttributionQueries(pool.dataSource());

      assertThat(queries.byModelAndChannel("shop", day, day).get("first_click")).containsOnlyKeys("Paid Search");
      assertThat(queries.sessionsByChannel("shop", day, day))
          .containsExactly(new AttributionQueries.ChannelSessions("Paid Search", 1, 1));
    }
    db.close();
  }
}
