package dev.beacon.attribution;

import static dev.beacon.testing.TestData.ATTRIBUTION_PATHS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShapleyAttributionTest {
  private static final double EPS = 1e-9;

  private static void assertShare(ShapleyAttribution.Result result, String channel, double conversions, double value, double tolerance) {
    var c = result.channel(channel).orElseThrow(() -> new AssertionError("no channel " + channel + " in " + result));
    assertEquals(conversions, c.conversions(), tolerance * Math.max(1, Math.abs(conversions)), channel + " conversions");
    assertEquals(value, c.value(), tolerance * Math.max(1, Math.abs(value)), channel + " value");
  }

  /*
   * {A}: 2 conversions (value 20), {A,B}: 4 (40), {B}: 1 (5).
   * v(A) = 2, v(B) = 1, v(AB) = 7.  phi_A = 1/2 (v(A) - 0) + 1/2 (v(AB) - v(B)) = 1 + 3 = 4;
   * phi_B = 1/2 (v(B) - 0) + 1/2 (v(AB) - v(A)) = 0.5 + 2.5 = 3.  Values: 10 + 30 = 40 and 2.5 + 22.5 = 25.
   */
  @Test
  void twoChannelsShareAsTheFormulaSays() {
    var counts = new PathCounts();
    counts.add(List.of("A"), 2, 20, 3);
    counts.add(List.of("A", "B"), 4, 40, 0);
    counts.add(List.of("B"), 1, 5, 7);
    var result = ShapleyAttribution.solve(counts);
    assertShare(result, "A", 4, 40, EPS);
    assertShare(result, "B", 3, 25, EPS);
  }

  /*
   * {A}: 6, {A,B}: 6, {B,C}: 3, {A,B,C}: 6 conversions; value = 10 x conversions.
   * v: A 6, B 0, C 0, AB 12, AC 6, BC 3, ABC 21. Weights 1/3 (|S| = 0 or 2), 1/6 (|S| = 1).
   * phi_A = 1/3 (6) + 1/6 (12 - 0) + 1/6 (6 - 0) + 1/3 (21 - 3) = 2 + 2 + 1 + 6 = 11
   * phi_B = 1/3 (0) + 1/6 (12 - 6) + 1/6 (3 - 0) + 1/3 (21 - 6) = 0 + 1 + 0.5 + 5 = 6.5
   * phi_C = 1/3 (0) + 1/6 (6 - 6) + 1/6 (3 - 0) + 1/3 (21 - 12) = 0 + 0 + 0.5 + 3 = 3.5
   * Order and repeats within a path do not matter: B > A > B is the set {A,B}.
   */
  @Test
  void threeChannelsShareAsTheFormulaSays() {
    var counts = new PathCounts();
    counts.add(List.of("A"), 6, 60, 0);
    counts.add(List.of("B", "A", "B"), 6, 60, 0);
    counts.add(List.of("C", "B"), 3, 30, 0);
    counts.add(List.of("A", "B", "C"), 6, 60, 0);
    var result = ShapleyAttribution.solve(counts);
    assertShare(result, "A", 11, 110, EPS);
    assertShare(result, "B", 6.5, 65, EPS);
    assertShare(result, "C", 3.5, 35, EPS);
  }

  @Test
  void sharesAddUpToTheTotalsOfConvertingPaths() throws IOException {
    var counts = PathFile.read(ATTRIBUTION_PATHS);
    var result = ShapleyAttribution.solve(counts);
    assertEquals(717, result.channels().stream().mapToDouble(ShapleyAttribution.ChannelResult::conversions).sum(), 1e-6);
    assertEquals(counts.totalValue(), result.channels().stream().mapToDouble(ShapleyAttribution.ChannelResult::value).sum(), 1e-6);
  }

  /* From src/test/resources/attribution/markov_reference.py (exact fractions, the formula summed over every coalition). */
  @Test
  void pathsCsvMatchesTheIndependentReference() throws IOException {
    var result = ShapleyAttribution.solve(PathFile.read(ATTRIBUTION_PATHS));
    var reference = AttributionReference.load();
    assertEquals(reference.size(), result.channels().size());
    for (var r : reference) assertShare(result, r.channel(), r.shapleyConversions(), r.shapleyValue(), 1e-6);
  }

  @Test
  void channelsInSymmetricRolesGetEqualShares() {
    var counts = new PathCounts();
    counts.add(List.of("A", "C"), 3, 30, 0);
    counts.add(List.of("B", "C"), 3, 30, 0);
    counts.add(List.of("A", "B"), 5, 50, 0);
    counts.add(List.of("C"), 2, 20, 0);
    var result = ShapleyAttribution.solve(counts);
    var a = result.channel("A").orElseThrow();
    var b = result.channel("B").orElseThrow();
    assertEquals(a.conversions(), b.conversions(), EPS);
    assertEquals(a.value(), b.value(), EPS);
    assertEquals(13, a.conversions() + b.conversions() + result.channel("C").orElseThrow().conversions(), EPS);
  }

  @Test
  void agreesWithTheUnanimityGameClosedFormOnRandomPaths() {
    // v is a sum of unanimity games u_T (one per channel set T, worth w_T), so phi_i = sum over T containing i of w_T / |T|
    var random = new Random(7);
    var channels = new ArrayList<String>();
    for (var i = 0; i < 14; i++) channels.add("c" + i);
    var counts = new PathCounts();
    var expected = new HashMap<String, Double>();
    for (var p = 0; p < 300; p++) {
      var path = new ArrayList<String>();
      var length = 1 + random.nextInt(6);
      for (var k = 0; k < length; k++) path.add(channels.get(random.nextInt(channels.size())));
      var conversions = random.nextInt(5);
      counts.add(path, conversions, conversions * 3.5, random.nextInt(3) + (conversions == 0 ? 1 : 0));
      var set = new LinkedHashSet<>(path);
      for (var c : set) expected.merge(c, (double) conversions / set.size(), Double::sum);
    }
    var result = ShapleyAttribution.solve(counts);
    expected.forEach((channel, share) -> assertShare(result, channel, share, share * 3.5, 1e-9));
  }

  @Test
  void aChannelSeenOnlyOnNonConvertingPathsGetsZero() {
    var counts = new PathCounts();
    counts.add(List.of("A"), 1, 10, 0);
    counts.add(List.of("A", "Z"), 0, 0, 9);
    var result = ShapleyAttribution.solve(counts);
    assertShare(result, "A", 1, 10, EPS);
    assertShare(result, "Z", 0, 0, EPS);
  }

  @Test
  void moreThanTwentyConvertingChannelsAreRefusedWithAClearMessage() {
    var counts = new PathCounts();
    for (var i = 0; i < 21; i++) counts.add(List.of("c" + i), 1, 1, 0);
    var e = assertThrows(IllegalArgumentException.class, () -> ShapleyAttribution.solve(counts));
    assertTrue(e.getMessage().contains("at most 20 channels") && e.getMessage().contains("21"), e.getMessage());

    // channels of non-converting paths are no players: twenty players plus one null-only channel solve
    var atCap = new PathCounts();
    for (var i = 0; i < 20; i++) atCap.add(List.of("c" + i, "c" + ((i + 1) % 20)), 1, 2, 0);
    atCap.add(List.of("only-null"), 0, 0, 1);
    var result = ShapleyAttribution.solve(atCap);
    assertEquals(21, result.channels().size());
    assertEquals(20, result.channels().stream().mapToDouble(ShapleyAttribution.ChannelResult::conversions).sum(), 1e-9);
    assertShare(result, "c0", 1, 2, 1e-9);
  }
}
