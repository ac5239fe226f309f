package dev.beacon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --routes} end to end at a small size on H2: every intake route takes its 600
 * events with a key, in its senders' batches; each run's counts are exact (every event accepted
 * and applied once, every campaign's totals as the events make them), and the figures are
 * printed and written.
 */
class RoutesBenchTest {
  @Test
  void everyRouteTakesItsEventsExactlyOnceAndPrintsItsFigures() throws Exception {
    var json = Files.createTempFile("bench-routes", ".json");
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var status = BenchArguments.run(new String[] {"--routes", "--events", "600", "--senders", "3", "--partitions", "2",
        "--json", json.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    var printed = out.toString(StandardCharsets.UTF_8);

    assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed).contains("requests/s", "accepted ev/s", "applied ev/s", "p99 ms");
    var runs = Json.MAPPER.readTree(json.toFile()).get("routes");
    assertThat(runs).hasSize(RoutesBench.routes().size());
    for (var run : runs) {
      assertThat(run.get("check").asText()).as(run.get("route").asText()).isEqualTo("exact");
      assertThat(run.get("database").asText()).isEqualTo("h2");
      assertThat(run.get("events").asLong()).isEqualTo(600);
      var perRequest = run.get("eventsPerRequest").asInt();
      assertThat(run.get("requests").asLong()).isEqualTo((600 + perRequest - 1) / perRequest);
      assertThat(run.get("appliedSeconds").asDouble()).isGreaterThanOrEqualTo(run.get("acceptedSeconds").asDouble());
    }
  }
}
