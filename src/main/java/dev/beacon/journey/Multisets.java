package dev.beacon.journey;

import java.util.HashMap;
import java.util.List;

/** Differences of lists taken as multisets (equal elements count, order does not). */
final class Multisets {
  private Multisets() {}

  /**
   * Adds to {@code onlyBefore} the elements of {@code before} that {@code after} lacks, and to
   * {@code onlyAfter} those of {@code after} that {@code before} lacks, each as often as it is
   * lacking, in the order of its list.
   */
  static <T> void difference(List<T> before, List<T> after, List<T> onlyBefore, List<T> onlyAfter) {
    var counts = new HashMap<T, Integer>();
    for (var e : after) counts.merge(e, 1, Integer::sum);
    for (var e : before) {
      var n = counts.get(e);
      if (n == null) onlyBefore.add(e);
      else if (n == 1) counts.remove(e);
      else counts.put(e, n - 1);
    }
    for (var e : after) {
      var n = counts.get(e);
      if (n == null) continue;
      onlyAfter.add(e);
      if (n == 1) counts.remove(e);
      else counts.put(e, n - 1);
    }
  }
}
