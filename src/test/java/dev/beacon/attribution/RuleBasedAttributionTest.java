package dev.beacon.attribution;

import static dev.beacon.attribution.RuleBasedAttribution.FIRST_CLICK;
import static dev.beacon.attribution.RuleBasedAttribution.LAST_CLICK;
import static dev.beacon.attribution.RuleBasedAttribution.LINEAR;
import static dev.beacon.attribution.RuleBasedAttribution.MODELS;
import static dev.beacon.attribution.RuleBasedAttribution.POSITION_BASED;
import static dev.beacon.attribution.RuleBasedAttribution.TIME_DECAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RuleBasedAttributionTest {
  private static final double EPS = 1e-12;
  private static final long T = Instant.parse("2024-03-15T12:00:00Z").toEpochMilli();
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private static final double VALUE = 120.0;

  private final RuleBasedAttribution models = RuleBasedAttribution.withDefaults();

  private static Touchpoint touch(String channel, String campaign, long at) {
    return new Touchpoint(channel, campaign, at);
  }

  private static Credit credit(String channel, String campaign, double share) {
    return new Credit(channel, campaign, share, share * VALUE);
  }

  private static void assertCredits(List<Credit> expected, List<Credit> actual) {
    assertEquals(expected.size(), actual.size(), () -> "credits " + actual);
    for (var i = 0; i < expected.size(); i++) {
      var e = expected.get(i);
      var a = actual.get(i);
      assertEquals(e.channel(), a.channel(), () -> "credits " + actual);
      assertEquals(e.campaign(), a.campaign(), () -> "credits " + actual);
      assertEquals(e.conversions(), a.conversions(), EPS, () -> "conversions of " + a);
      assertEquals(e.value(), a.value(), 1e-9, () -> "value of " + a);
    }
  }

  @Test
  void aSingleTouchGetsTheWholeConversionInEveryModel() {
    var credits = models.credit(List.of(touch("Paid Search", "brand", T - 2 * DAY)), T, VALUE);
    assertEquals(MODELS, List.copyOf(credits.keySet()));
    for (var model : MODELS) assertCredits(List.of(credit("Paid Search", "brand", 1)), credits.get(model));
  }

  @Test
  void noTouchCreditsDirectNoneInEveryModel() {
    for (var touches : List.of(List.<Touchpoint>of(), List.of(touch("Email", "oct", T - 15 * DAY)))) {
      var credits = models.credit(touches, T, VALUE);
      for (var model : MODELS) assertCredits(List.of(credit("Direct", "(none)", 1)), credits.get(model));
    }
  }

  @Test
  void lastClickSkipsDirectTouches() {
    var credits = models.credit(List.of(
        touch("Email", "oct", T - 5 * DAY),
        touch("Paid Search", "brand", T - 3 * DAY),
        touch("Direct", "(direct)", T - DAY)), T, VALUE);
    assertCredits(List.of(credit("Email", "oct", 1)), credits.get(FIRST_CLICK));
    assertCredits(List.of(credit("Paid Search", "brand", 1)), credits.get(LAST_CLICK));
    assertCredits(List.of(credit("Email", "oct", 1.0 / 3), credit("Paid Search", "brand", 1.0 / 3),
        credit("Direct", "(direct)", 1.0 / 3)), credits.get(LINEAR));
  }

  @Test
  void aDirectOnlyPathCreditsDirectInEveryModel() {
    var credits = models.credit(List.of(touch("Direct", "(direct)", T - 4 * DAY), touch("Direct", "(direct)", T - DAY)), T, VALUE);
    for (var model : MODELS) assertCredits(List.of(credit("Direct", "(direct)", 1)), credits.get(model));
  }

  @Test
  void touchesWithEqualTimestampsKeepTheirGivenOrder() {
    var email = touch("Email", "oct", T - DAY);
    var social = touch("Organic Social", "(not set)", T - DAY);
    var credits = models.credit(List.of(email, social), T, VALUE);
    assertCredits(List.of(credit("Email", "oct", 1)), credits.get(FIRST_CLICK));
    assertCredits(List.of(credit("Organic Social", "(not set)", 1)), credits.get(LAST_CLICK));
    var halves = List.of(credit("Email", "oct", 0.5), credit("Organic Social", "(not set)", 0.5));
    for (var model : List.of(LINEAR, TIME_DECAY, POSITION_BASED)) assertCredits(halves, credits.get(model));

    var reversed = models.credit(List.of(social, email), T, VALUE);
    assertCredits(List.of(credit("Organic Social", "(not set)", 1)), reversed.get(FIRST_CLICK));
    assertCredits(List.of(credit("Email", "oct", 1)), reversed.get(LAST_CLICK));
  }

  @Test
  void touchesBeforeTheLookbackOrAfterTheConversionGetNoCredit() {
    var credits = models.credit(List.of(
        touch("Display", "old", T - 14 * DAY - 1),     // one millisecond too old
        touch("Email", "oct", T - 14 * DAY),           // exactly at the window's edge: counts
        touch("Paid Search", "brand", T - HOUR),
        touch("Paid Social", "late", T + 1)), T, VALUE); // after the conversion
    assertCredits(List.of(credit("Email", "oct", 1)), credits.get(FIRST_CLICK));
    assertCredits(List.of(credit("Paid Search", "brand", 1)), credits.get(LAST_CLICK));
    assertCredits(List.of(credit("Email", "oct", 0.5), credit("Paid Search", "brand", 0.5)), credits.get(LINEAR));

    var shortWindow = new RuleBasedAttribution(Duration.ofDays(1), Duration.ofDays(7)).credit(List.of(
        touch("Email", "oct", T - 2 * DAY), touch("Paid Search", "brand", T - HOUR)), T, VALUE);
    assertCredits(List.of(credit("Paid Search", "brand", 1)), shortWindow.get(FIRST_CLICK));
  }

  @Test
  void repeatedTouchesOfOneChannelOnOneUtcDayCollapseToTheFirst() {
    var day = Instant.parse("2024-03-10T00:00:00Z").toEpochMilli();
    var touches = List.of(
        touch("Email", "nov", day + DAY + HOUR),              // next day, given out of order
        touch("Paid Search", "brand", day + 9 * HOUR),
        touch("Paid Search", "generic", day + 15 * HOUR),     // same channel, same day: dropped
        touch("Organic Search", "(organic)", day + 16 * HOUR),
        touch("Paid Search", "brand", day + DAY + 2 * HOUR)); // same channel, next day: kept
    var collapsed = Touchpoints.collapse(touches);
    assertEquals(List.of(touches.get(1), touches.get(3), touches.get(0), touches.get(4)), collapsed);
    assertEquals(collapsed, Touchpoints.collapse(collapsed));
    // the day is UTC: 23:30 and 00:30 the next morning are two days
    var midnight = List.of(touch("Email", "a", day - HOUR / 2), touch("Email", "b", day + HOUR / 2));
    assertEquals(midnight, Touchpoints.collapse(midnight));

    var credits = models.credit(touches, day + 2 * DAY, VALUE);
    assertCredits(List.of(credit("Paid Search", "brand", 0.5), credit("Organic Search", "(organic)", 0.25),
        credit("Email", "nov", 0.25)), credits.get(LINEAR));
  }

  @Test
  void timeDecayHalvesTheWeightPerHalfLife() {
    // ages 14 d, 7 d and 0 with a 7-day half-life: raw weights 1/4, 1/2, 1 (sum 7/4) -> 1/7, 2/7, 4/7
    var credits = models.credit(List.of(
        touch("Display", "a", T - 14 * DAY), touch("Email", "b", T - 7 * DAY), touch("Paid Search", "c", T)), T, VALUE);
    assertCredits(List.of(credit("Display", "a", 1.0 / 7), credit("Email", "b", 2.0 / 7), credit("Paid Search", "c", 4.0 / 7)),
        credits.get(TIME_DECAY));

    // a one-day half-life, ages 2 d and 1 d: raw 1/4 and 1/2 -> 1/3 and 2/3 (the conversion's own age cancels)
    var daily = new RuleBasedAttribution(Duration.ofDays(14), Duration.ofDays(1))
        .credit(List.of(touch("Email", "b", T - 2 * DAY), touch("Paid Search", "c", T - DAY)), T, VALUE);
    assertCredits(List.of(credit("Email", "b", 1.0 / 3), credit("Paid Search", "c", 2.0 / 3)), daily.get(TIME_DECAY));

    // ages 36 h and 12 h, half-life 1 d: raw 2^-1.5 and 2^-0.5 -> 1/3 and 2/3 again
    var hours = new RuleBasedAttribution(Duration.ofDays(14), Duration.ofDays(1))
        .credit(List.of(touch("Email", "b", T - 36 * HOUR), touch("Paid Search", "c", T - 12 * HOUR)), T, VALUE);
    assertCredits(List.of(credit("Email", "b", 1.0 / 3), credit("Paid Search", "c", 2.0 / 3)), hours.get(TIME_DECAY));
  }

  @Test
  void positionBasedGivesFortyTwentyFortyOverOneTwoThreeAndFiveTouches() {
    var channels = List.of("A", "B", "C", "D", "E");
    Map<Integer, List<Double>> expected = Map.of(
        1, List.of(1.0),
        2, List.of(0.5, 0.5),
        3, List.of(0.4, 0.2, 0.4),
        5, List.of(0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4));
    expected.forEach((n, shares) -> {
      var touches = new ArrayList<Touchpoint>();
      var want = new ArrayList<Credit>();
      for (var i = 0; i < n; i++) {
        touches.add(touch(channels.get(i), "c" + i, T - (n - i) * DAY));
        want.add(credit(channels.get(i), "c" + i, shares.get(i)));
      }
      assertCredits(want, models.credit(touches, T, VALUE).get(POSITION_BASED));
    });
  }

  @Test
  void creditsOfOneChannelAndCampaignAreMergedInOrderOfFirstTouch() {
    var credits = models.credit(List.of(
        touch("Email", "oct", T - 3 * DAY), touch("Display", "x", T - 2 * DAY), touch("Email", "oct", T - DAY)), T, VALUE);
    assertCredits(List.of(credit("Email", "oct", 0.8), credit("Display", "x", 0.2)), credits.get(POSITION_BASED));
    assertCredits(List.of(credit("Email", "oct", 2.0 / 3), credit("Display", "x", 1.0 / 3)), credits.get(LINEAR));
  }

  @Test
  void everyModelCreditsOneConversionAndTheFullValue() {
    var random = new Random(42);
    var channels = List.of("Direct", "Email", "Paid Search", "Organic Search", "Display", "Referral");
    for (var journey = 0; journey < 500; journey++) {
      var touches = new ArrayList<Touchpoint>();
      var n = random.nextInt(12);
      for (var i = 0; i < n; i++) {
        touches.add(touch(channels.get(random.nextInt(channels.size())), "c" + random.nextInt(3),
            T - (long) (random.nextDouble() * 20 * DAY)));
      }
      var value = random.nextInt(100_000) / 100.0;
      var credits = models.credit(touches, T, value);
      assertEquals(MODELS, List.copyOf(credits.keySet()));
      for (var model : MODELS) {
        var list = credits.get(model);
        assertEquals(1.0, list.stream().mapToDouble(Credit::conversions).sum(), 1e-9, () -> model + " " + list);
        assertEquals(value, list.stream().mapToDouble(Credit::value).sum(), 1e-9 * Math.max(1, value), () -> model + " " + list);
      }
    }
  }

  @Test
  void aHalfLifeThatIsNotPositiveIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RuleBasedAttribution(Duration.ofDays(14), Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new RuleBasedAttribution(Duration.ofDays(-1), Duration.ofDays(7)));
  }
}
