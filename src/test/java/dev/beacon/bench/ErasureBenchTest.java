package dev.beacon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Json;
import dev.beacon.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --erasure 200} end to end on the bench's broker and a PostgreSQL database: the
 * user's events are in a journal row per round or more before, the request is done, it deleted journal rows, and
 * afterwards no journal row or snapshot names the user; the figures are printed and written.
 */
class ErasureBenchTest {
  @Test
  void anErasureIsTimedAndLeavesNoJournalRowOrSnapshotNamingTheUser() throws Exception {
    try (var db = TestDatabase.postgres()) {
      var json = Files.createTempFile("bench-erasure", ".json");
      var out = new ByteArrayOutputStream();
      var err = new ByteArrayOutputStream();
      var status = BenchArguments.run(new String[] {"--erasure", "200", "--partitions", "2", "--db-url", db.url, "--db-user",
          db.user, "--db-password", db.password, "--json", json.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      var printed = out.toString(StandardCharsets.UTF_8);

      assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(printed).contains("erasure of one user with 200 events (and 200 events of 1,000 other users, sent in ",
          " s from the request to done", "journal row(s) and", "naming the user: before ");
      var result = Json.MAPPER.readTree(json.toFile()).get("erasure");
      assertThat(result.get("userEvents").asLong()).isEqualTo(200);
      assertThat(result.get("erasureSeconds").asDouble()).isPositive();
      // each round consumed before the next: at least one journal row of the user's bucket per round
      assertThat(result.get("journalRowsNamingUserBefore").asLong()).isGreaterThanOrEqualTo(200 / ErasureBench.ROUND);
      assertThat(result.get("journalRowsDeleted").asLong()).isGreaterThanOrEqualTo(result.get("journalRowsNamingUserBefore").asLong());
      assertThat(result.get("journalRowsNamingUserAfter").asLong()).isZero();
      assertThat(result.get("snapshotsNamingUserAfter").asLong()).isZero();
    }
  }

  @Test
  void anErasureWithoutPostgresqlIsRefusedInOneLine() {
    var err = new ByteArrayOutputStream();
    var status = BenchArguments.run(new String[] {"--erasure", "10"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bench: --erasure: give a PostgreSQL database");
  }
}
