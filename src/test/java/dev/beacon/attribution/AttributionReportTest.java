package dev.beacon.attribution;

import static dev.beacon.testing.TestData.ATTRIBUTION_PATHS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributionReportTest {
  private static AttributionReport.Row row(AttributionReport report, String channel) {
    return report.rows().stream().filter(r -> r.channel().equals(channel)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + channel));
  }

  private static void near(double expected, double actual, String what) {
    assertEquals(expected, actual, Math.abs(expected) * 1e-6 + 1e-9, what);
  }

  @Test
  void rulesOnAggregatedPathsUseThePathTotals() {
    var counts = new PathCounts();
    counts.add(List.of("A", "B", "B", "C"), 2, 40, 1); // linear: A 1/4, B 1/2, C 1/4 of 2 conversions
    counts.add(List.of("B", "Direct"), 1, 10, 0);      // last touch skips Direct
    counts.add(List.of("C"), 0, 0, 5);                 // no conversion: no rule credit
    var report = AttributionReport.of(counts);
    assertEquals(List.of("A", "B", "C", "Direct"), report.rows().stream().map(AttributionReport.Row::channel).toList());
    var a = row(report, "A");
    var b = row(report, "B");
    var c = row(report, "C");
    var direct = row(report, "Direct");
    near(2, a.firstTouchConversions(), "A first");
    near(40, a.firstTouchValue(), "A first value");
    near(1, b.firstTouchConversions(), "B first");
    near(1, b.lastTouchConversions(), "B last");
    near(10, b.lastTouchValue(), "B last value");
    near(2, c.lastTouchConversions(), "C last");
    near(0, direct.lastTouchConversions(), "Direct last");
    near(0.5, a.linearConversions(), "A linear");
    near(1 + 0.5, b.linearConversions(), "B linear");
    near(20 + 5, b.linearValue(), "B linear value");
    near(0.5, direct.linearConversions(), "Direct linear");
    near(3, report.rows().stream().mapToDouble(AttributionReport.Row::markovConversions).sum(), "Markov total");
  }

  /* From src/test/resources/attribution/markov_reference.py (independent implementation; rerun: see its docstring). */
  @Test
  void pathsCsvFirstLastLinearAndMarkovMatchTheIndependentReference() throws IOException {
    var report = AttributionReport.of(PathFile.read(ATTRIBUTION_PATHS));
    var reference = AttributionReference.load();
    assertEquals(reference.size(), report.rows().size());
    for (var ref : reference) {
      var r = row(report, ref.channel());
      near(ref.firstConversions(), r.firstTouchConversions(), ref.channel() + " first");
      near(ref.firstValue(), r.firstTouchValue(), ref.channel() + " first value");
      near(ref.lastConversions(), r.lastTouchConversions(), ref.channel() + " last");
      near(ref.lastValue(), r.lastTouchValue(), ref.channel() + " last value");
      near(ref.linearConversions(), r.linearConversions(), ref.channel() + " linear");
      near(ref.linearValue(), r.linearValue(), ref.channel() + " linear value");
      near(ref.markovConversions(), r.markovConversions(), ref.channel() + " markov");
    }
    for (var model : List.<java.util.function.ToDoubleFunction<AttributionReport.Row>>of(
        AttributionReport.Row::firstTouchConversions, AttributionReport.Row::lastTouchConversions,
        AttributionReport.Row::linearConversions, AttributionReport.Row::markovConversions)) {
      near(717, report.rows().stream().mapToDouble(model).sum(), "total conversions");
    }
  }

  @Test
  void theTableIsAlignedWithATotalLine() {
    var counts = new PathCounts();
    counts.add(List.of("a-long-channel-name", "b"), 3, 1234.5, 2);
    counts.add(List.of("b"), 1, 10, 0);
    var lines = AttributionReport.of(counts).table().lines().toList();
    assertTrue(lines.get(0).contains("6 journeys, 4 conversions"), lines.get(0));
    var header = lines.get(1);
    assertTrue(header.startsWith("channel") && header.endsWith("markov value"), header);
    // every number column ends where its header ends
    var end = header.length();
    for (var line : List.of(lines.get(3), lines.get(4), lines.get(6))) assertEquals(end, line.length(), line);
    assertTrue(lines.get(6).startsWith("total"), lines.get(6));
    assertTrue(lines.get(3).startsWith("a-long-channel-name  "), lines.get(3));
  }
}
