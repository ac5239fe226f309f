package dev.beacon.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathCountsTest {

  @Test
  void addingAndRemovingTheSameOutcomeLeavesNothing() {
    var counts = new PathCounts();
    counts.add(List.of("a", "b"), 2, 0.1 + 0.2, 1);
    counts.remove(List.of("a", "b"), 2, 0.3, 1);
    assertEquals(0, counts.size());
    assertEquals(0, counts.journeys());
  }

  @Test
  void valueGoesWhenTheLastConversionOfAPathGoes() {
    var counts = new PathCounts();
    counts.add(List.of("a"), 1, 0.1 + 0.2, 3);
    counts.remove(List.of("a"), 1, 0.3, 0);
    assertEquals(new PathCounts.Outcome(0, 0, 3), counts.paths().get(List.of("a")));
  }

  @Test
  void removingMoreThanWasAddedIsRefusedAndChangesNothing() {
    var counts = new PathCounts();
    counts.addConversion(List.of("a"), 5);
    assertThrows(IllegalStateException.class, () -> counts.remove(List.of("a"), 0, 0, 1));
    assertThrows(IllegalStateException.class, () -> counts.remove(List.of("b"), 1, 5, 0));
    assertEquals(new PathCounts.Outcome(1, 5, 0), counts.paths().get(List.of("a")));
  }

  @Test
  void mergeAddsEveryPathAndLeavesTheOtherAlone() {
    var left = new PathCounts();
    left.add(List.of("a", "b"), 1, 2, 3);
    var right = new PathCounts();
    right.add(List.of("a", "b"), 4, 5, 6);
    right.addNull(List.of("c"));
    left.merge(right);
    assertEquals(new PathCounts.Outcome(5, 7, 9), left.paths().get(List.of("a", "b")));
    assertEquals(new PathCounts.Outcome(0, 0, 1), left.paths().get(List.of("c")));
    assertEquals(2, right.size());
    assertEquals(15, left.journeys());
  }

  @Test
  void aCopyIsIndependent() {
    var counts = new PathCounts();
    counts.addNull(List.of("a"));
    var copy = counts.copy();
    counts.addNull(List.of("a"));
    assertEquals(1, copy.totalNulls());
    assertEquals(2, counts.totalNulls());
  }

  @Test
  void emptyPathsBlankChannelsAndNegativeCountsAreRefused() {
    var counts = new PathCounts();
    assertThrows(IllegalArgumentException.class, () -> counts.addNull(List.of()));
    assertThrows(IllegalArgumentException.class, () -> counts.addNull(List.of("a", " ")));
    assertThrows(IllegalArgumentException.class, () -> counts.add(List.of("a"), -1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> counts.add(List.of("a"), 1, Double.NaN, 0));
    assertTrue(counts.paths().isEmpty());
  }
}
