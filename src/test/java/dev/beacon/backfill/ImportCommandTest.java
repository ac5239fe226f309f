package dev.beacon.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.CommandRun;
import dev.beacon.testing.TestData;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The import command's failures before any row is written: one line each, and the exit status. */
class ImportCommandTest {

  @Test
  void aFileThatCannotBeOpenedIsOneLineAndExitStatus2() {
    var ran = CommandRun.of(ImportCommand::run, "--ga4", "no/such/export.ndjson.gz", "--bootstrap", "127.0.0.1:1");
    assertThat(ran.status()).isEqualTo(2);
    assertThat(ran.err()).isEqualTo("Beacon cannot import: no/such/export.ndjson.gz cannot be read (no such file)"
        + System.lineSeparator());
    assertThat(ran.out()).isEmpty();
  }

  @Test
  void aKafkaOutOfReachIsOneLineAndExitStatus1() throws Exception {
    int port;
    try (var free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    var ran = CommandRun.of(ImportCommand::run, "--ga4", TestData.GA4_IMPORT_PURCHASES.toString(),
        "--bootstrap", "127.0.0.1:" + port);
    assertThat(ran.status()).isEqualTo(1);
    assertThat(ran.err()).startsWith("Beacon cannot import: Kafka at 127.0.0.1:" + port + " did not answer within 10 s; ")
        .hasLineCount(1);
    assertThat(ran.out()).isEmpty();
  }
}
