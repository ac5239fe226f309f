package dev.beacon.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestData;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replay action of a running server reads files only inside its replay directory (by
 * default {@code <data dir>/replay}, made at start): a path out of it is a 400 that names the
 * rule, and nothing of the file is read; a file put there replays.
 */
class ReplayDirectoryTest {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();

  private static String replay(String file) {
    return "{\"action\":\"replay\",\"organizationId\":\"ga4demo\",\"options\":{\"file\":\"" + file + "\",\"speed\":100000}}";
  }

  @Test
  void aReplayReadsOnlyInsideTheReplayDirectory() throws Exception {
    var dir = Files.createTempDirectory("beacon-replay");
    var server = broker.start(TestServers.config(dir, broker.kafka().bootstrapServers(), TestDatabase.h2(dir),
        "replay-" + UUID.randomUUID(), ""));
    var http = new HttpCalls(server.httpPort());
    var replayDir = dir.resolve("replay");
    assertThat(replayDir).as("made at start, in the data directory").isDirectory();

    for (var outside : new String[] {"/etc/passwd", "../../../../../../etc/passwd", "../replay/../../x.ndjson"}) {
      var answer = http.postJson("/api/analytics/real-time/simulate", replay(outside));
      assertThat(answer.status()).as(outside).isEqualTo(400);
      assertThat(answer.text()).as(outside).contains("options.file: must lie inside the replay directory");
    }

    Files.copy(TestData.GA4_SAMPLE, replayDir.resolve("events.ndjson"));
    var inside = http.postJson("/api/analytics/real-time/simulate", replay("events.ndjson"));
    assertThat(inside.status()).as(inside.text()).isEqualTo(202);
  }
}
