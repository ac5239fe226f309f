package dev.beacon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Produces records with kcat, the command-line client people use to put records on a topic by
 * hand: one line per record, key and value separated by a tab. Without kcat on the PATH its
 * tests are skipped with a line on the console, unless BEACON_TEST_REQUIRE_KCAT=true (as in CI).
 */
public final class Kcat {
  private Kcat() {}

  public static void produce(String bootstrapServers, String topic, List<ProducerRecord<String, byte[]>> records)
      throws IOException, InterruptedException {
    var lines = new StringBuilder();
    for (var r : records) {
      var value = new String(r.value(), StandardCharsets.UTF_8);
      if (value.contains("\n") || value.contains("\t") || r.key().contains("\t")) {
        throw new IllegalArgumentException("kcat's line mode takes one record per line, tab between key and value");
      }
      lines.append(r.key()).append('\t').append(value).append('\n');
    }
    var file = Files.createTempFile("kcat-records", ".tsv");
    Files.writeString(file, lines);
    Process process;
    try {
      process = new ProcessBuilder("kcat", "-P", "-b", bootstrapServers, "-t", topic, "-K", "\t", "-l",
          "-X", "enable.idempotence=true", "-X", "acks=all", file.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      var why = "kcat not found on the PATH (apt-get install kcat): " + e.getMessage();
      System.out.println("[kcat tests] " + why);
      if (Boolean.parseBoolean(System.getenv("BEACON_TEST_REQUIRE_KCAT"))) Assertions.fail(why);
      Assumptions.abort(why);
      return;
    }
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assertions.assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kcat did not finish: " + output);
    Assertions.assertEquals(0, process.exitValue(), "kcat failed: " + output);
    Files.delete(file);
  }
}
