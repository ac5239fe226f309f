package dev.beacon.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beacon's H2 database keeps every commit that returned when its process is killed (kill -9):
 * the ingest stream commits Kafka offsets right after the journal commit returns, so a commit
 * H2 only held in memory would be an accepted event lost for good.
 */
class H2KillTest {
  private static final int ROWS = 200;

  @Test
  void everyCommitThatReturnedSurvivesAKilledProcess(@TempDir Path dir) throws Exception {
    var url = new DatabaseSettings("jdbc:h2:file:" + dir.resolve("beacon") + ";DB_CLOSE_DELAY=-1", "beacon", "", 2)
        .effectiveUrl();
    var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Writer.class.getName(), url)
        .redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("committed " + ROWS);

    try (var c = DriverManager.getConnection(url, "beacon", ""); var st = c.createStatement();
        var rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(ROWS);
    }
  }

  /** The process that is killed: commits rows one by one, says so, and halts at once. */
  public static final class Writer {
    public static void main(String[] args) throws SQLException {
      try (var c = DriverManager.getConnection(args[0], "beacon", "")) {
        c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY)");
        c.setAutoCommit(false);
        try (var insert = c.prepareStatement("INSERT INTO t VALUES (?)")) {
          for (int i = 0; i < ROWS; i++) {
            insert.setInt(1, i);
            insert.executeUpdate();
            c.commit();
          }
        }
        System.out.println("committed " + ROWS);
        System.out.flush();
        Runtime.getRuntime().halt(9);
      }
    }
  }
}
