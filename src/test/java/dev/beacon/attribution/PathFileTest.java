package dev.beacon.attribution;

import static dev.beacon.testing.TestData.ATTRIBUTION_PATHS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PathFileTest {
  private static PathCounts parse(String text) throws IOException {
    return PathFile.read(new BufferedReader(new StringReader(text)), "test.csv");
  }

  /* Figures from markov_reference.py and awk over the file: see src/test/resources/data/attribution/README.md. */
  @Test
  void readsTheTestPathsAddingUpRepeatedLines() throws IOException {
    var counts = PathFile.read(ATTRIBUTION_PATHS);
    // 1,328 lines, one per week and path, so paths recur: 911 distinct
    assertEquals(911, counts.size());
    assertEquals(717, counts.totalConversions());
    assertEquals(4_146, counts.totalNulls());
    assertEquals(4_863, counts.journeys());
    assertEquals(24077.26, counts.totalValue(), 1e-6);
    assertEquals(Set.of("search", "social", "email", "display", "video", "affiliate", "referral", "shopping", "push", "sms",
        "podcast", "print"), counts.channels());
    // the 4 lines of the path "search" add up (awk: 81 conversions, value 2886.01, 622 nulls)
    var search = counts.paths().get(List.of("search"));
    assertEquals(81, search.conversions());
    assertEquals(2886.01, search.value(), 1e-6);
    assertEquals(622, search.nulls());
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
