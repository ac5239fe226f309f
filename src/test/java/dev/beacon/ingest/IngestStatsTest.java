package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestStatsTest {
  @Test
  void rejectionsCountByReasonWithoutQuotedValuesOrWhereInTheDocument() {
    var stats = new IngestStats(Clock.systemUTC());
    stats.rejected(List.of("body: malformed JSON at line 1, column 12", "body: malformed JSON at line 3, column 7: the document ends early"));
    stats.rejected(List.of("body: malformed JSON at line 9, column 1", "eventType: unknown event type 'teleport'"));
    assertThat(stats.snapshot().rejectedByReason()).containsOnly(
        org.assertj.core.api.Assertions.entry("body: malformed JSON", 2L),
        org.assertj.core.api.Assertions.entry("body: malformed JSON: the document ends early", 1L),
        org.assertj.core.api.Assertions.entry("eventType: unknown event type '…'", 1L));
  }
}
