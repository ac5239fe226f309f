package dev.beacon.simulate;

import static dev.beacon.simulate.SimulationFixtures.START;
import static dev.beacon.simulate.SimulationFixtures.json;
import static dev.beacon.testing.TestData.GA4_SAMPLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Json;
import dev.beacon.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplayRowsTest {
  static List<String> lines;

  @BeforeAll
  static void readSample() throws IOException {
    lines = Files.readAllLines(GA4_SAMPLE);
  }

  private static List<SimulatedEvent> shiftAll(double speed) {
    var rows = new ReplayRows("acme", START, speed);
    var events = new ArrayList<SimulatedEvent>();
    for (var line : lines) {
      var shifted = rows.shift(line);
      assertThat(shifted).isInstanceOf(ReplayRows.Row.class);
      events.add(((ReplayRows.Row) shifted).event());
    }
    return events;
  }

  private static long originalMicros(int i) throws IOException {
    return Json.MAPPER.readTree(lines.get(i)).get("event_timestamp").asLong();
  }

  @Test
  void theSampleRowsMoveToNowKeepingTheirSpacing() throws IOException {
    var events = shiftAll(1.0);
    assertThat(events).hasSize(93);
    assertThat(events.get(0).time()).isEqualTo(START);
    var startMicros = ReplayRows.micros(START);
    for (int i = 0; i < events.size(); i++) {
      var row = json(events.get(i));
      assertThat(row.get("event_timestamp").asLong() - startMicros).isEqualTo(originalMicros(i) - originalMicros(0));
      assertThat(ReplayRows.micros(events.get(i).time())).isEqualTo(row.get("event_timestamp").asLong());
      assertThat(row.get("organizationId").asText()).isEqualTo("acme");
      assertThat(events.get(i).key()).isEqualTo("acme|" + row.get("user_pseudo_id").asText());
    }
    // the sample spans about 92 days, kept as it is at speed 1
    assertThat(Duration.between(START, events.get(92).time())).isGreaterThan(Duration.ofDays(91));
  }

  @Test
  void speedDividesTheSpacingAndKeepsDistinctTimesDistinct() throws IOException {
    var events = shiftAll(1_000_000);
    var startMicros = ReplayRows.micros(START);
    var nudged = 0;
    for (int i = 0; i < events.size(); i++) {
      var offset = json(events.get(i)).get("event_timestamp").asLong() - startMicros;
      var exact = Math.round((originalMicros(i) - originalMicros(0)) / 1_000_000.0);
      assertThat(offset).isBetween(exact, exact + 10);
      if (offset != exact) nudged++;
      if (i > 0) {
        var previous = events.get(i - 1).time();
        var originalOrder = Long.compare(originalMicros(i), originalMicros(i - 1));
        assertThat(Integer.signum(events.get(i).time().compareTo(previous))).isEqualTo(originalOrder);
      }
    }
    assertThat(nudged).as("rows nudged apart").isPositive();
    events = shiftAll(10_000);
    assertThat(Duration.between(START, events.get(92).time())).isBetween(Duration.ofSeconds(790), Duration.ofSeconds(793));
  }

  @Test
  void everyShiftedSampleRowParsesAsValidForTheReplayOrganisation() {
    var events = shiftAll(10_000);
    var parsed = SimulationFixtures.parseAll(events, START.plusSeconds(800));
    assertThat(parsed).hasSize(93).extracting(Event::organizationId).containsOnly("acme");
    for (int i = 0; i < parsed.size(); i++) {
      assertThat(parsed.get(i).timestamp()).isEqualTo(events.get(i).time());
      assertThat(parsed.get(i).partitionKey()).isEqualTo(events.get(i).key());
    }
    assertThat(json(events.get(0)).get("event_date").asText()).isEqualTo("20240501");
  }

  @Test
  void linesThatAreNoGa4RowsAreSkippedWithTheirReason() {
    var rows = new ReplayRows("acme", START, 1.0);
    assertThat(rows.shift("not json")).isInstanceOfSatisfying(ReplayRows.Skipped.class,
        s -> assertThat(s.reason()).startsWith("not JSON"));
    assertThat(rows.shift("[1, 2]")).isEqualTo(new ReplayRows.Skipped("not a JSON object"));
    assertThat(rows.shift("{\"event_name\":\"page_view\",\"event_timestamp\":\"soon\"}"))
        .isEqualTo(new ReplayRows.Skipped("event_timestamp: not epoch microseconds"));
    // the first row that is a row sets the origin
    var first = rows.shift("{\"event_name\":\"page_view\",\"event_timestamp\":1000000,\"user_id\":\"u1\"}");
    assertThat(first).isInstanceOfSatisfying(ReplayRows.Row.class, r -> {
      assertThat(r.event().time()).isEqualTo(START);
      assertThat(r.event().key()).isEqualTo("acme|u1");
    });
  }
}
