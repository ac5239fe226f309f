package dev.beacon.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributionReportTest {
  private static final Path PATHS = Path.of("../shared/data/attribution-paths/paths.csv");

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

  /*
   * From src/test/resources/attribution/markov_reference.py (independent implementation; rerun: see its docstring).
   * {channel, first conv, first value, last conv, last value, linear conv, linear value}
   */
  private static final Object[][] HEURISTICS = {
      {"alpha", 6308.0, 19121.272355798726, 8447.0, 28414.21427436396, 7574.718593751176, 24524.70956883351},
      {"beta", 2831.0, 12235.591744355273, 989.0, 3850.020987258203, 2083.500144589081, 8954.266716607803},
      {"delta", 1.0, 6.119, 5.0, 10.972, 1.725, 4.40405},
      {"epsilon", 99.0, 412.3012428571428, 531.0, 2202.6122892857143, 272.17043772046026, 1106.2700652665424},
      {"eta", 3164.0, 11909.47621303165, 4167.0, 16754.203800105686, 3539.9511571005633, 13783.497050920154},
      {"gamma", 165.0, 718.9779918300654, 92.0, 506.01399183006544, 121.04163902026698, 569.4173578910576},
      {"iota", 4606.0, 19597.26127697518, 3355.0, 13487.974271357702, 3857.0962210177577, 15988.988995023583},
      {"kappa", 74.0, 305.74325, 230.0, 1069.38425, 137.9640779222783, 599.7477862552664},
      {"lambda", 902.0, 3735.602164915966, 1207.0, 5249.949985427807, 1035.2575722855333, 4430.316169428451},
      {"mi", 2.0, 5.273, 2.0, 5.273, 2.2222222222222223, 6.081444444444444},
      {"theta", 1606.0, 6652.349347446831, 653.0, 2799.0919875816994, 1022.8013939042166, 4295.743619487184},
      {"zeta", 27.0, 103.004, 107.0, 453.26075, 136.55154046644432, 539.528763052843},
  };

  @Test
  void pathsCsvFirstLastAndLinearMatchTheIndependentReference() throws IOException {
    var report = AttributionReport.of(PathFile.read(PATHS));
    assertEquals(HEURISTICS.length, report.rows().size());
    for (var ref : HEURISTICS) {
      var r = row(report, (String) ref[0]);
      near((double) ref[1], r.firstTouchConversions(), ref[0] + " first");
      near((double) ref[2], r.firstTouchValue(), ref[0] + " first value");
      near((double) ref[3], r.lastTouchConversions(), ref[0] + " last");
      near((double) ref[4], r.lastTouchValue(), ref[0] + " last value");
      near((double) ref[5], r.linearConversions(), ref[0] + " linear");
      near((double) ref[6], r.linearValue(), ref[0] + " linear value");
    }
    for (var model : List.<java.util.function.ToDoubleFunction<AttributionReport.Row>>of(
        AttributionReport.Row::firstTouchConversions, AttributionReport.Row::lastTouchConversions,
        AttributionReport.Row::linearConversions, AttributionReport.Row::markovConversions)) {
      near(19785, report.rows().stream().mapToDouble(model).sum(), "total conversions");
    }
    near(5344.947682085164, row(report, "alpha").markovConversions(), "alpha markov");
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
