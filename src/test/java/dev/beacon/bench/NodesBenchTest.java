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
 * {@code bench --nodes 2} end to end at a tiny size: one server JVM, then two in a cluster, then
 * two with one killed (kill -9) half way, on the bench's broker and a PostgreSQL database. Every
 * run's totals end exact, and the figures are printed and written: events/s, messages between
 * the nodes (none with one node), the time until the survivor consumed again.
 */
class NodesBenchTest {
  private static String[] run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var status = BenchArguments.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {Integer.toString(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void twoNodesEndWithExactTotalsAndPrintTheirFigures() throws Exception {
    try (var db = TestDatabase.postgres()) {
      var json = Files.createTempFile("bench-nodes", ".json");
      var ran = run("--nodes", "2", "--events", "3000", "--campaigns", "40", "--users", "400", "--partitions", "4",
          "--db-url", db.url, "--db-user", db.user, "--db-password", db.password, "--json", json.toString());

      assertThat(ran[0]).as(ran[1] + ran[2]).isEqualTo("0");
      assertThat(ran[1]).contains("oracle 1 node: every campaign total exact (3300 events)",
          "oracle 2 nodes: every campaign total exact (3300 events)",
          "oracle kill -9 one of 2: every campaign total exact (3000 events)",
          "events/s    cores  events/core remote msg/s", "reassigned s", "remote bytes by message, 2 nodes: ");
      var results = Json.MAPPER.readTree(json.toFile()).get("nodes");
      var alone = results.get("runs").get(0);
      var two = results.get("runs").get(1);
      assertThat(alone.get("nodes").asInt()).isEqualTo(1);
      assertThat(alone.get("eventsPerSecond").asDouble()).isPositive();
      assertThat(alone.get("remoteMessagesPerSecond").asDouble()).isZero();
      assertThat(alone.get("journalRowsPerSecond").asDouble()).isPositive();
      assertThat(alone.get("coresUsed").asDouble()).isPositive();
      assertThat(two.get("nodes").asInt()).isEqualTo(2);
      assertThat(two.get("eventsPerSecond").asDouble()).isPositive();
      assertThat(two.get("remoteMessagesPerSecond").asDouble()).isPositive();
      assertThat(two.get("remoteBytesPerSecond").asDouble()).isGreaterThan(two.get("remoteMessagesPerSecond").asDouble());
      var failover = results.get("failover");
      assertThat(failover.get("groupReassignedSeconds").asDouble()).isPositive();
      assertThat(failover.get("memberRemovedSeconds").asDouble()).isPositive();
      // the killed node's partitions still had records, which wait for the group to give them to the survivor
      assertThat(failover.get("consumingAgainSeconds").asDouble())
          .isGreaterThanOrEqualTo(failover.get("groupReassignedSeconds").asDouble());
    }
  }

  @Test
  void severalNodesWithoutPostgresqlAreRefusedInOneLine() {
    var ran = run("--nodes", "3");

    assertThat(ran[0]).isEqualTo("2");
    assertThat(ran[2]).startsWith("bench: --nodes 3: the nodes share one database, and H2 cannot be shared by several "
        + "JVMs: give a PostgreSQL one with --db-url jdbc:postgresql://host:5432/db" + System.lineSeparator());
  }
}
