package dev.beacon.attribution;

import static dev.beacon.testing.TestData.ATTRIBUTION_PATHS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkovAttributionTest {
  private static final double EPS = 1e-12;

  private static void assertChannel(MarkovAttribution.Result result, String channel, double removalEffect,
      double conversions, double value, double relative) {
    var c = result.channel(channel).orElseThrow(() -> new AssertionError("no channel " + channel + " in " + result));
    assertEquals(removalEffect, c.removalEffect(), Math.abs(removalEffect) * relative + 1e-15, channel + " removal effect");
    assertEquals(conversions, c.conversions(), Math.abs(conversions) * relative + 1e-12, channel + " conversions");
    assertEquals(value, c.value(), Math.abs(value) * relative + 1e-12, channel + " value");
  }

  /*
   * Paths: A > B (1 conversion, value 10), B (1 conversion, value 20, 1 null), A (2 nulls).
   * Counts: start->A 3, start->B 2, A->B 1, A->null 2, B->conv 2, B->null 1.
   * x_B = 2/3; x_A = 1/3 x_B = 2/9; P = 3/5 x_A + 2/5 x_B = 2/15 + 4/15 = 2/5.
   * Without A: start->A goes to null, P = 2/5 * 2/3 = 4/15, RE_A = 1 - (4/15)/(2/5) = 1/3.
   * Without B: nothing reaches conversion, P = 0, RE_B = 1.
   * Sum RE = 4/3: A gets 1/4 of 2 conversions and of 30 -> 0.5 and 7.5; B 1.5 and 22.5.
   */
  @Test
  void solvesAHandWorkedChainExactly() {
    var counts = new PathCounts();
    counts.add(List.of("A", "B"), 1, 10, 0);
    counts.add(List.of("B"), 1, 20, 1);
    counts.add(List.of("A"), 0, 0, 2);
    var result = MarkovAttribution.solve(counts);
    assertEquals(0.4, result.conversionProbability(), EPS);
    assertEquals(2, result.totalConversions());
    assertEquals(30, result.totalValue(), EPS);
    assertChannel(result, "A", 1.0 / 3, 0.5, 7.5, EPS);
    assertChannel(result, "B", 1.0, 1.5, 22.5, EPS);
  }

  /*
   * A cycle: A > B > A (1 conversion, value 9), B (1 null).
   * Counts: start->A 1, start->B 1, A->B 1, A->conv 1, B->A 1, B->null 1.
   * x_A = 1/2 + 1/2 x_B, x_B = 1/2 x_A  =>  x_A = 2/3, x_B = 1/3, P = 1/2 (2/3 + 1/3) = 1/2.
   * Without A: x_B = 0, P = 0, RE_A = 1. Without B: x_A = 1/2, P = 1/4, RE_B = 1/2.
   * Sum RE = 3/2: A gets 2/3 (value 6), B 1/3 (value 3).
   */
  @Test
  void solvesAChainWithACycleExactly() {
    var counts = new PathCounts();
    counts.add(List.of("A", "B", "A"), 1, 9, 0);
    counts.add(List.of("B"), 0, 0, 1);
    var result = MarkovAttribution.solve(counts);
    assertEquals(0.5, result.conversionProbability(), EPS);
    assertChannel(result, "A", 1, 2.0 / 3, 6, EPS);
    assertChannel(result, "B", 0.5, 1.0 / 3, 3, EPS);
  }

  @Test
  void repeatedChannelsAreSelfTransitionsThatChangeNothing() {
    var plain = new PathCounts();
    plain.add(List.of("A", "B"), 1, 10, 0);
    plain.add(List.of("B"), 1, 20, 1);
    plain.add(List.of("A"), 0, 0, 2);
    var repeated = new PathCounts();
    repeated.add(List.of("A", "A", "A", "B"), 1, 10, 0);
    repeated.add(List.of("B", "B"), 1, 20, 1);
    repeated.add(List.of("A", "A"), 0, 0, 2);
    var expected = MarkovAttribution.solve(plain);
    var actual = MarkovAttribution.solve(repeated);
    assertEquals(expected.conversionProbability(), actual.conversionProbability(), EPS);
    for (var c : expected.channels()) assertChannel(actual, c.channel(), c.removalEffect(), c.conversions(), c.value(), 1e-12);
  }

  @Test
  void withoutConversionsEveryChannelGetsZero() {
    var counts = new PathCounts();
    counts.add(List.of("A", "B"), 0, 0, 5);
    var result = MarkovAttribution.solve(counts);
    assertEquals(0, result.conversionProbability());
    assertChannel(result, "A", 0, 0, 0, 0);
    assertChannel(result, "B", 0, 0, 0, 0);
    assertEquals(0, MarkovAttribution.solve(new PathCounts()).channels().size());
  }

  @Test
  void pathCountsKeptIncrementallySolveLikeCountsBuiltAtOnce() {
    var once = new PathCounts();
    once.add(List.of("A", "B"), 2, 30, 1);
    once.add(List.of("C"), 0, 0, 4);
    once.add(List.of("B", "C", "A"), 1, 5, 2);

    var incremental = new PathCounts();
    // a journey that first looked like A and did not convert, then grew to A > B and converted
    incremental.addNull(List.of("A"));
    incremental.remove(List.of("A"), 0, 0, 1);
    incremental.addConversion(List.of("A", "B"), 10);
    incremental.addConversion(List.of("A", "B"), 20);
    incremental.addNull(List.of("A", "B"));
    var other = new PathCounts();
    other.add(List.of("C"), 0, 0, 4);
    other.add(List.of("B", "C", "A"), 1, 5, 2);
    incremental.merge(other);

    assertEquals(once.paths(), incremental.paths());
    var expected = MarkovAttribution.solve(once);
    var actual = MarkovAttribution.solve(incremental);
    for (var c : expected.channels()) assertChannel(actual, c.channel(), c.removalEffect(), c.conversions(), c.value(), 1e-12);
  }

  /*
   * Expected figures from src/test/resources/attribution/markov_reference.py, an independent
   * implementation in exact rational arithmetic (rerun: see the script's docstring).
   */
  @Test
  void pathsCsvMatchesTheIndependentReference() throws IOException {
    var result = MarkovAttribution.solve(PathFile.read(ATTRIBUTION_PATHS));
    assertEquals(0.1474398519432449, result.conversionProbability(), 0.1474398519432449 * 1e-9);
    assertEquals(717, result.totalConversions());
    var reference = AttributionReference.load();
    assertEquals(reference.size(), result.channels().size());
    for (var r : reference) assertChannel(result, r.channel(), r.removalEffect(), r.markovConversions(), r.markovValue(), 1e-6);
    assertEquals(717, result.channels().stream().mapToDouble(MarkovAttribution.ChannelResult::conversions).sum(), 1e-6);
    assertEquals(24077.26, result.channels().stream().mapToDouble(MarkovAttribution.ChannelResult::value).sum(), 1e-6);
  }
}
