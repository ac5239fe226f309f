package dev.beacon.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PathFileTest {
  private static final Path PATHS = Path.of("../shared/data/attribution-paths/paths.csv");

  private static PathCounts parse(String text) throws IOException {
    return PathFile.read(new BufferedReader(new StringReader(text)), "test.csv");
  }

  @Test
  void readsTheChannelAttributionExamplePaths() throws IOException {
    var counts = PathFile.read(PATHS);
    // 10,000 lines, but the file repeats paths (eta alone on 637 lines): 5,408 distinct, as counted in Python
    assertEquals(5_408, counts.size());
    assertEquals(19_785, counts.totalConversions());
    assertEquals(68_602, counts.totalNulls());
    assertEquals(88_387, counts.journeys());
    assertEquals(74802.97158721084, counts.totalValue(), 1e-6);
    assertEquals(Set.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mi"),
        counts.channels());
    // the 637 lines of the path "eta" add up (sums by awk over the file: 1604 conversions, value 5545.260540972, 5916 nulls)
    var eta = counts.paths().get(List.of("eta"));
    assertEquals(1604, eta.conversions());
    assertEquals(5545.260540972, eta.value(), 1e-6);
    assertEquals(5916, eta.nulls());
  }

  @Test
  void channelsAreSplitOnArrowsAndTrimmedAndRepeatedLinesAddUp() throws IOException {
    var counts = parse("""
        path;total_conversions;total_conversion_value;total_null
        a > b>c ;2;3.5;1

        a > b > c;1;1.5;0
        b;0;;4
        """);
    assertEquals(2, counts.size());
    assertEquals(new PathCounts.Outcome(3, 5.0, 1), counts.paths().get(List.of("a", "b", "c")));
    assertEquals(new PathCounts.Outcome(0, 0, 4), counts.paths().get(List.of("b")));
  }

  @Test
  void aMissingHeaderIsRefused() {
    var e = assertThrows(PathFile.MalformedPathFileException.class, () -> parse("a > b;1;2.0;0\n"));
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("header"), e.getMessage());
    assertThrows(PathFile.MalformedPathFileException.class, () -> parse(""));
  }

  @Test
  void aMalformedLineIsRefusedWithItsLineNumber() {
    var header = PathFile.HEADER + "\n";
    for (var bad : List.of("a > b;1;2.0\n", "a > b;one;2.0;0\n", "a > b;1;lots;0\n", "a >  > b;1;2;0\n", "a;-1;0;0\n", "a;1.5;0;0\n")) {
      var e = assertThrows(PathFile.MalformedPathFileException.class, () -> parse(header + "x;0;0;1\n" + bad), bad);
      assertTrue(e.getMessage().startsWith("test.csv line 3: "), e.getMessage());
    }
  }
}
