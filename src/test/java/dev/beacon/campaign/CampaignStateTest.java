package dev.beacon.campaign;

import static dev.beacon.campaign.CampaignFixtures.CAMPAIGN;
import static dev.beacon.campaign.CampaignFixtures.NOW;
import static dev.beacon.campaign.CampaignFixtures.ORG;
import static dev.beacon.campaign.CampaignFixtures.assertMoney;
import static dev.beacon.campaign.CampaignFixtures.at;
import static dev.beacon.campaign.CampaignFixtures.event;
import static dev.beacon.campaign.CampaignFixtures.inSession;
import static dev.beacon.campaign.CampaignFixtures.micros;
import static dev.beacon.campaign.CampaignFixtures.settings;
import static dev.beacon.campaign.CampaignFixtures.withValue;
import static dev.beacon.event.EventType.CLICK;
import static dev.beacon.event.EventType.COMPLETION;
import static dev.beacon.event.EventType.CONVERSION;
import static dev.beacon.event.EventType.ENGAGEMENT;
import static dev.beacon.event.EventType.IMPRESSION;
import static dev.beacon.event.EventType.SKIP;
import static dev.beacon.event.EventType.VIEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.event.EventIds;
import dev.beacon.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The campaign's maths without an actor: counters, derived metrics, windows, dedup and bounds. */
class CampaignStateTest {
  private static final long MINUTE = 60_000L;
  private static final long DAY = 86_400_000L;

  private final CampaignState state = new CampaignState();
  private long nextOffset;

  /** Selects and applies the events as the entity does, at consecutive offsets of partition 0. */
  private CampaignState.Selection apply(CampaignSettings settings, Instant appliedAt, Event... events) {
    var delivered = new ArrayList<Delivered>();
    for (var e : events) delivered.add(at(e, 0, nextOffset++));
    return applyDelivered(settings, appliedAt, delivered);
  }

  private CampaignState.Selection applyDelivered(CampaignSettings settings, Instant appliedAt, List<Delivered> delivered) {
    var selection = state.select(delivered, java.util.Set.of(), java.util.Map.of(), appliedAt.toEpochMilli(), settings);
    state.apply(selection.fresh(), selection.offsets(), appliedAt.toEpochMilli(), settings);
    return selection;
  }

  private static Counters counters(Object... typesAndCounts) {
    var c = new Counters();
    for (int i = 0; i < typesAndCounts.length; i += 2) {
      for (int n = 0; n < (int) typesAndCounts[i + 1]; n++) c.add((EventType) typesAndCounts[i], 0, 0);
    }
    return c;
  }

  private static CampaignMetrics metricsOf(Counters c) {
    return CampaignMetrics.of(ORG, CAMPAIGN, NOW, c);
  }

  private CampaignMetrics allTime() {
    return metricsOf(state.window(null));
  }

  private CampaignMetrics since(Instant from) {
    return metricsOf(state.window(from.toEpochMilli()));
  }

  private static long minuteOf(Instant t) {
    return Math.floorDiv(t.toEpochMilli(), MINUTE);
  }

  // Counters and derived metrics

  @Test
  void countsEachOfTheSevenEventTypesSeparately() {
    var m = metricsOf(counters(IMPRESSION, 7, CLICK, 6, CONVERSION, 5, VIEW, 4, ENGAGEMENT, 3, COMPLETION, 2, SKIP, 1));

    assertEquals(List.of(7L, 6L, 5L, 4L, 3L, 2L, 1L),
        List.of(m.impressions(), m.clicks(), m.conversions(), m.views(), m.engagements(), m.completions(), m.skips()));
    assertEquals(4L, m.adPlaybacks());
  }

  @Test
  void spendSumsImpressionAndClickValuesAndConversionValueSumsConversions() {
    apply(settings(), NOW,
        withValue("i1", IMPRESSION, NOW, "0.1"),
        withValue("i2", IMPRESSION, NOW, "0.2"),
        withValue("c1", CLICK, NOW, "0.7"),
        withValue("v1", CONVERSION, NOW, "19.99"),
        withValue("v2", CONVERSION, NOW, "0.01"),
        withValue("w1", VIEW, NOW, "5"),
        withValue("e1", ENGAGEMENT, NOW, "3"));

    var m = allTime();
    assertMoney("1.0", m.totalSpent());
    assertMoney("20.00", m.conversionValue());
    assertEquals(micros("1.0"), state.total.spendMicros);
  }

  @Test
  void derivedMetricsMatchHandComputedValues() {
    var c = new Counters();
    for (int i = 0; i < 8; i++) c.add(IMPRESSION, micros("0.125"), 0);
    c.add(CLICK, micros("0.5"), 0);
    c.add(CLICK, micros("0.5"), 0);
    c.add(CONVERSION, micros("30"), 0);
    c.add(ENGAGEMENT, 0, 0);
    c.add(ENGAGEMENT, 0, 0);
    for (var millis : new long[] {1000, 2000, 3500, 500}) c.add(VIEW, 0, millis);
    for (int i = 0; i < 3; i++) c.add(COMPLETION, 0, 0);
    c.add(SKIP, 0, 0);

    var m = metricsOf(c);

    assertEquals(25.0, m.ctr());                 // 100 * 2 / 8
    assertEquals(50.0, m.conversionRate());      // 100 * 1 / 2
    assertMoney("2", m.totalSpent());            // 8 * 0.125 + 2 * 0.5
    assertMoney("30", m.conversionValue());
    assertMoney("1", m.cpc());                   // 2 / 2
    assertMoney("2", m.cpa());                   // 2 / 1
    assertEquals(25.0, m.engagementRate());      // 100 * 2 / 8
    assertEquals(1.75, m.averageViewTime());     // 7 s / 4
    assertEquals(75.0, m.completionRate());      // 100 * 3 / 4
    assertEquals(25.0, m.skipRate());            // 100 * 1 / 4
    assertEquals(4L, m.adPlaybacks());
  }

  @Test
  void ratesRoundToFourDecimalsAndMoneyToTheMicro() {
    var c = new Counters();
    for (int i = 0; i < 3; i++) c.add(IMPRESSION, 0, 0);
    for (int i = 0; i < 3; i++) c.add(CLICK, micros("1") / 3 + (i == 0 ? 1 : 0), 0); // 1.000000 in all
    c.add(CONVERSION, 0, 0);
    c.add(VIEW, 0, 1000);
    c.add(VIEW, 0, 1000);
    c.add(VIEW, 0, 1500);

    var m = metricsOf(c);

    assertEquals(100.0, m.ctr());
    assertEquals(33.3333, m.conversionRate());   // 100 * 1 / 3
    assertMoney("1", m.totalSpent());
    assertMoney("0.333333", m.cpc());            // 1 / 3, half-up at the micro
    assertMoney("1", m.cpa());
    assertEquals(1.1667, m.averageViewTime());   // 3.5 s / 3
  }

  @Test
  void viewTimeCountsOnlyTheDurationOfViews() {
    apply(settings(), NOW,
        event("v1", VIEW, NOW, 0, 4_000, null, null),
        event("e1", ENGAGEMENT, NOW, 0, 60_000, null, null),
        event("k1", SKIP, NOW, 0, 9_000, null, null));

    assertEquals(4_000L, state.total.viewDurationMillis);
    assertEquals(4.0, allTime().averageViewTime());
  }

  @Test
  void ratesWhoseDenominatorIsZeroAreNullNotZero() {
    var m = metricsOf(counters(CONVERSION, 2));

    assertNull(m.ctr());
    assertNull(m.conversionRate());
    assertNull(m.cpc());
    assertNull(m.engagementRate());
    assertNull(m.averageViewTime());
    assertNull(m.completionRate());
    assertNull(m.skipRate());
    assertNull(m.bounceRate());
    assertMoney("0", m.cpa());                   // spend 0 over 2 conversions is a real 0
    assertMoney("0", m.totalSpent());
  }

  @Test
  void emptyCountersHaveZeroTotalsAndNoRates() {
    var m = metricsOf(new Counters());

    assertEquals(0L, m.impressions() + m.clicks() + m.conversions() + m.views() + m.sessions());
    assertMoney("0", m.totalSpent());
    assertMoney("0", m.conversionValue());
    for (var rate : new Object[] {m.ctr(), m.conversionRate(), m.cpc(), m.cpa(), m.engagementRate(),
        m.averageViewTime(), m.bounceRate(), m.completionRate(), m.skipRate()}) {
      assertNull(rate);
    }
  }

  @Test
  void dailyRowUsesTheSameFormulas() {
    var c = new Counters();
    for (int i = 0; i < 4; i++) c.add(IMPRESSION, micros("0.25"), 0);
    c.add(CLICK, micros("1.5"), 0);
    c.add(CONVERSION, micros("9.99"), 0);

    var row = CampaignMetrics.Daily.of(LocalDate.of(2024, 5, 1), c);

    assertEquals(4L, row.impressions());
    assertEquals(25.0, row.ctr());
    assertEquals(100.0, row.conversionRate());
    assertMoney("2.5", row.spent());
    assertMoney("9.99", row.conversionValue());
    assertMoney("2.5", row.cpc());
    assertMoney("2.5", row.cpa());
  }

  // Sessions and bounce rate

  @Test
  void bounceRateIsTheShareOfSessionsWithOneEvent() {
    apply(settings(), NOW,
        inSession("a1", IMPRESSION, NOW, "s1"),
        inSession("b1", IMPRESSION, NOW, "s2"),
        inSession("b2", CLICK, NOW, "s2"),
        inSession("b3", CONVERSION, NOW, "s2"),
        inSession("c1", VIEW, NOW, "s3"),
        event("x1", IMPRESSION, NOW));
    apply(settings(), NOW.plusSeconds(5),
        inSession("d1", IMPRESSION, NOW.plusSeconds(1), "s4"),
        inSession("d2", CLICK, NOW.plusSeconds(2), "s4"));

    var m = allTime();
    assertEquals(4L, m.sessions());
    assertEquals(50.0, m.bounceRate());          // s1 and s3 of 4
  }

  @Test
  void aSessionCountsInTheMinuteItStartedAndStopsBouncingThere() {
    var first = Instant.parse("2024-05-01T11:58:10Z");
    var second = Instant.parse("2024-05-01T11:59:10Z");
    apply(settings(), NOW, inSession("a1", IMPRESSION, first, "s1"));
    assertEquals(100.0, since(first).bounceRate());

    apply(settings(), NOW, inSession("a2", CLICK, second, "s1"));

    assertEquals(1L, since(first).sessions());
    assertEquals(0.0, since(first).bounceRate());
    assertEquals(0L, since(second).sessions());
    assertNull(since(second).bounceRate());
    var today = state.days.get(LocalDate.of(2024, 5, 1).toEpochDay());
    assertEquals(1L, today.sessions);
    assertEquals(0L, today.singleEventSessions);
  }

  @Test
  void aSessionIdleLongerThanTheTimeoutStartsAgainAsANewSession() {
    var settings = settings("session-timeout = 30m");
    apply(settings, NOW, inSession("a1", IMPRESSION, NOW.minus(Duration.ofMinutes(60)), "s1"));
    apply(settings, NOW, inSession("b1", IMPRESSION, NOW.minus(Duration.ofMinutes(20)), "s2"));

    apply(settings, NOW, inSession("a2", CLICK, NOW.minus(Duration.ofMinutes(10)), "s1"));

    assertEquals(3L, allTime().sessions());
    assertEquals(100.0, allTime().bounceRate());
  }

  @Test
  void eventsWithoutASessionCountNoSession() {
    apply(settings(), NOW, event("a", IMPRESSION, NOW), event("b", CLICK, NOW));

    assertEquals(0L, allTime().sessions());
    assertNull(allTime().bounceRate());
    assertTrue(state.sessions.isEmpty());
  }

  // Windows

  @Test
  void windowStartsAtTheMinuteOfNowMinusTheWindow() {
    var now = Instant.parse("2024-05-01T12:00:30Z");
    apply(settings(), now,
        event("a", IMPRESSION, Instant.parse("2024-05-01T11:57:59Z")),
        event("b", IMPRESSION, Instant.parse("2024-05-01T11:58:00Z")),
        event("c", IMPRESSION, Instant.parse("2024-05-01T11:58:20Z")),
        event("d", IMPRESSION, Instant.parse("2024-05-01T12:00:10Z")));

    // now - 120 s is 11:58:30; its minute starts at 11:58:00, which 11:58:00 and 11:58:20 fall in
    assertEquals(3L, since(now.minusSeconds(120)).impressions());
    assertEquals(1L, since(now.minusSeconds(30)).impressions());
    assertEquals(4L, allTime().impressions());
  }

  @Test
  void aLateEventWithinTheWindowLandsInTheMinuteItHappened() {
    apply(settings(), NOW, event("a", IMPRESSION, NOW.minusSeconds(30)));
    var late = Instant.parse("2024-05-01T11:55:20Z");

    apply(settings(), NOW.plus(Duration.ofMinutes(3)), withValue("b", CLICK, late, "0.4"));

    var bucket = state.minutes.get(minuteOf(late));
    assertEquals(1L, bucket.count(CLICK));
    assertEquals(micros("0.4"), bucket.spendMicros);
    assertEquals(1L, since(Instant.parse("2024-05-01T11:55:00Z")).clicks());
    assertEquals(0L, since(Instant.parse("2024-05-01T11:56:00Z")).clicks());
    assertEquals(1L, allTime().clicks());
  }

  @Test
  void minuteWindowBoundaryIsTheMinuteOfAppliedTimeMinusTheWindow() {
    var settings = settings("minute-window = 10m");
    var appliedAt = Instant.parse("2024-05-01T12:00:30Z");

    apply(settings, appliedAt,
        event("in", IMPRESSION, Instant.parse("2024-05-01T11:50:00Z")),
        event("out", CLICK, Instant.parse("2024-05-01T11:49:59Z")));

    assertEquals(minuteOf(Instant.parse("2024-05-01T11:50:00Z")), state.minutes.firstKey());
    assertEquals(1, state.minutes.size());
    assertEquals(0L, since(Instant.parse("2024-05-01T11:00:00Z")).clicks());
    assertEquals(1L, allTime().clicks());
  }

  @Test
  void anEventOlderThanTheMinuteWindowCountsInItsDayAndAllTimeOnly() {
    var settings = settings("minute-window = 1h");
    var old = NOW.minus(Duration.ofHours(2));

    apply(settings, NOW, withValue("old", CLICK, old, "2"));

    assertTrue(state.minutes.isEmpty());
    assertEquals(0L, since(old).clicks());
    var day = state.daily(LocalDate.of(2024, 5, 1), LocalDate.of(2024, 5, 1)).get(0);
    assertEquals(1L, day.clicks());
    assertMoney("2", day.spent());
    assertEquals(1L, allTime().clicks());
    assertMoney("2", allTime().totalSpent());
  }

  @Test
  void anEventOlderThanTheDayRetentionBeforeTheNewestEventCountsInAllTimeOnly() {
    var settings = settings("day-retention = 3d");
    var old = NOW.minus(Duration.ofDays(5));

    apply(settings, NOW, event("now", CLICK, NOW), withValue("old", CONVERSION, old, "12.5"));

    assertEquals(List.of(LocalDate.of(2024, 5, 1).toEpochDay()), List.copyOf(state.days.keySet()));
    var day = state.daily(LocalDate.of(2024, 4, 26), LocalDate.of(2024, 4, 26)).get(0);
    assertEquals(0L, day.conversions());
    assertEquals(1L, allTime().conversions());
    assertMoney("12.5", allTime().conversionValue());
  }

  @Test
  void dayRetentionBoundaryIsTheUtcDayOfTheNewestEventMinusTheRetention() {
    var settings = settings("day-retention = 3d");

    apply(settings, NOW.plus(Duration.ofDays(30)), // the newest event is NOW; NOW - 3d is 2024-04-28T12:00Z: that whole day is kept
        event("newest", CLICK, NOW),
        event("in", IMPRESSION, Instant.parse("2024-04-28T00:00:00Z")),
        event("out", IMPRESSION, Instant.parse("2024-04-27T23:59:59Z")));

    assertEquals(List.of(LocalDate.of(2024, 4, 28).toEpochDay(), LocalDate.of(2024, 5, 1).toEpochDay()),
        List.copyOf(state.days.keySet()));
    assertEquals(2L, allTime().impressions());
  }

  @Test
  void importedHistoryLandsOnItsRealDaysAndStaysButNeverInTheMinuteWindow() {
    var settings = settings("day-retention = 90d");
    var day1 = Instant.parse("2020-11-03T10:00:00Z");
    var day2 = Instant.parse("2020-12-24T18:30:00Z");

    apply(settings, NOW, withValue("p1", CONVERSION, day1, "40"), event("i1", IMPRESSION, day1),
        event("i2", IMPRESSION, day2));
    apply(settings, NOW.plus(Duration.ofDays(200)), event("i3", CLICK, day2.plusSeconds(60)));

    assertTrue(state.minutes.isEmpty(), "history entered the minute window");
    assertEquals(0L, since(NOW.minus(Duration.ofHours(24))).impressions());
    var first = state.daily(LocalDate.of(2020, 11, 3), LocalDate.of(2020, 11, 3)).get(0);
    assertEquals(1L, first.conversions());
    assertEquals(1L, first.impressions());
    assertMoney("40", first.conversionValue());
    var second = state.daily(LocalDate.of(2020, 12, 24), LocalDate.of(2020, 12, 24)).get(0);
    assertEquals(1L, second.impressions());
    assertEquals(1L, second.clicks());
    assertEquals(2L, allTime().impressions());
  }

  @Test
  void liveEventsAfterAnImportKeepTheDayBucketsBounded() {
    var settings = settings("day-retention = 3d");
    apply(settings, NOW, event("history", IMPRESSION, NOW.minus(Duration.ofDays(400))));
    assertEquals(1, state.days.size());

    apply(settings, NOW.plusSeconds(1), event("live", IMPRESSION, NOW));

    assertEquals(List.of(LocalDate.of(2024, 5, 1).toEpochDay()), List.copyOf(state.days.keySet()));
    assertEquals(2L, allTime().impressions());
    assertEquals(1L, since(NOW.minus(Duration.ofMinutes(1))).impressions());
  }

  @Test
  void dayBucketsAreUtcDays() {
    apply(settings(), NOW,
        event("a", IMPRESSION, Instant.parse("2024-04-30T23:59:59.999Z")),
        event("b", IMPRESSION, Instant.parse("2024-05-01T00:00:00Z")),
        event("c", IMPRESSION, Instant.parse("2024-05-01T11:00:00Z")));

    var rows = state.daily(LocalDate.of(2024, 4, 30), LocalDate.of(2024, 5, 1));
    assertEquals(1L, rows.get(0).impressions());
    assertEquals(2L, rows.get(1).impressions());
  }

  @Test
  void dailyGivesOneRowPerDayIncludingDaysWithoutEvents() {
    apply(settings(), NOW,
        event("a", IMPRESSION, Instant.parse("2024-04-28T10:00:00Z")),
        event("b", IMPRESSION, Instant.parse("2024-04-28T11:00:00Z")),
        withValue("c", CLICK, Instant.parse("2024-04-28T12:00:00Z"), "0.5"),
        event("d", IMPRESSION, Instant.parse("2024-04-30T09:00:00Z")));

    var rows = state.daily(LocalDate.of(2024, 4, 27), LocalDate.of(2024, 5, 1));

    assertEquals(List.of(LocalDate.of(2024, 4, 27), LocalDate.of(2024, 4, 28), LocalDate.of(2024, 4, 29),
        LocalDate.of(2024, 4, 30), LocalDate.of(2024, 5, 1)), rows.stream().map(CampaignMetrics.Daily::date).toList());
    assertEquals(List.of(0L, 2L, 0L, 1L, 0L), rows.stream().map(CampaignMetrics.Daily::impressions).toList());
    assertEquals(50.0, rows.get(1).ctr());
    assertMoney("0.5", rows.get(1).spent());
    var empty = rows.get(2);
    assertEquals(0L, empty.clicks() + empty.conversions());
    assertNull(empty.ctr());
    assertNull(empty.cpc());
    assertMoney("0", empty.spent());
  }

  @Test
  void dailyOfAOneDayRangeIsOneRow() {
    var day = LocalDate.of(2024, 5, 1);
    assertEquals(1, state.daily(day, day).size());
  }

  // Idempotency

  @Test
  void aRecordAtOrBelowTheAppliedOffsetOfItsPartitionIsRedelivered() {
    apply(settings(), NOW, event("a", IMPRESSION, NOW), event("b", IMPRESSION, NOW), event("c", IMPRESSION, NOW));

    var selection = applyDelivered(settings(), NOW, List.of(
        at(event("b", IMPRESSION, NOW), 0, 1),
        at(event("c", IMPRESSION, NOW), 0, 2),
        at(event("p1", CLICK, NOW), 1, 1),      // another partition has its own offsets
        at(event("d", IMPRESSION, NOW), 0, 3)));

    assertEquals(2, selection.redelivered());
    assertEquals(0, selection.duplicates());
    assertEquals(2, selection.fresh().size());
    assertEquals(4L, allTime().impressions());
    assertEquals(1L, allTime().clicks());
    assertEquals(3L, state.offsets.get(CampaignFixtures.TOPIC + "-0"));
    assertEquals(1L, state.offsets.get(CampaignFixtures.TOPIC + "-1"));
  }

  @Test
  void aRedeliveredBatchChangesNothing() {
    var batch = List.of(at(withValue("a", CLICK, NOW, "1"), 0, 10), at(inSession("b", VIEW, NOW, "s1"), 0, 11));
    applyDelivered(settings(), NOW, batch);
    var before = allTime();

    var selection = applyDelivered(settings(), NOW.plusSeconds(1), batch);

    assertEquals(2, selection.redelivered());
    assertTrue(selection.fresh().isEmpty());
    assertTrue(selection.offsets().isEmpty());
    assertEquals(before, allTime());
  }

  @Test
  void aNoUserEventWhoseIdWasAppliedIsADuplicateAtAnyLaterOffset() {
    apply(settings(), NOW, withValue("retried", CLICK, NOW, "1"));

    var selection = apply(settings(), NOW.plusSeconds(30), withValue("retried", CLICK, NOW, "1"));

    assertEquals(1, selection.duplicates());
    assertTrue(selection.fresh().isEmpty());
    assertEquals(1L, allTime().clicks());
    assertMoney("1", allTime().totalSpent());
    assertEquals(1L, state.offsets.get(CampaignFixtures.TOPIC + "-0")); // the offset still moves on
  }

  @Test
  void aNoUserEventTwiceInOneBatchCountsOnce() {
    var selection = apply(settings(), NOW, event("twice", IMPRESSION, NOW), event("twice", IMPRESSION, NOW),
        event("once", IMPRESSION, NOW));

    assertEquals(1, selection.duplicates());
    assertEquals(2L, allTime().impressions());
  }

  @Test
  void eventsWithAUserAreNotDeduplicatedByIdHere() {
    apply(settings(), NOW, event("u", CLICK, NOW, 0, 0, "user-1", null), event("u", CLICK, NOW, 0, 0, "user-1", null));
    apply(settings(), NOW.plusSeconds(1), event("u", CLICK, NOW, 0, 0, "user-1", null));

    assertEquals(3L, allTime().clicks());
    assertTrue(state.recentIds.isEmpty());
  }

  @Test
  void aNoUserIdIsForgottenAfterTheDedupWindow() {
    var settings = settings("dedup-window = 10m");
    apply(settings, NOW, event("id", IMPRESSION, NOW));

    var atEdge = apply(settings, NOW.plus(Duration.ofMinutes(10)), event("id", IMPRESSION, NOW));
    var past = apply(settings, NOW.plus(Duration.ofMinutes(10)).plusMillis(1), event("id", IMPRESSION, NOW));

    assertEquals(1, atEdge.duplicates());
    assertEquals(0, past.duplicates());
    assertEquals(2L, allTime().impressions());
  }

  @Test
  void recentIdsOlderThanTheDedupWindowAreDropped() {
    var settings = settings("dedup-window = 10m");
    apply(settings, NOW, event("a", IMPRESSION, NOW));
    apply(settings, NOW.plus(Duration.ofMinutes(5)), event("b", IMPRESSION, NOW));
    // "a" comes back after its window: counted again, and kept from its new time
    apply(settings, NOW.plus(Duration.ofMinutes(11)), event("a", IMPRESSION, NOW));

    apply(settings, NOW.plus(Duration.ofMinutes(16)), event("c", IMPRESSION, NOW));

    assertFalse(state.recentIds.containsKey(EventIds.digest("b")), "b was applied 11 minutes ago");
    assertTrue(state.recentIds.containsKey(EventIds.digest("a")));
    assertTrue(state.recentIds.containsKey(EventIds.digest("c")));
  }

  @Test
  void aNewStateIsEmptyAndAnAppliedOneIsNot() {
    assertTrue(state.isEmpty());

    apply(settings(), NOW, event("a", SKIP, NOW));

    assertFalse(state.isEmpty());
  }

  // Bounds

  @Test
  void recentIdsNeverExceedDedupMaxIds() {
    var settings = settings("dedup-max-ids = 5");
    for (int batch = 0; batch < 50; batch++) {
      apply(settings, NOW.plusSeconds(batch), event("id-" + batch + "-a", IMPRESSION, NOW),
          event("id-" + batch + "-b", IMPRESSION, NOW), event("id-" + batch + "-c", IMPRESSION, NOW));
      assertTrue(state.recentIds.size() <= 5, () -> "recent ids: " + state.recentIds.size());
    }
    assertEquals(150L, allTime().impressions());
    // the newest ids are still recognised
    assertEquals(1, apply(settings, NOW.plusSeconds(60), event("id-49-c", IMPRESSION, NOW)).duplicates());
  }

  @Test
  void openSessionsNeverExceedMaxOpenSessions() {
    var settings = settings("max-open-sessions = 3");
    for (int i = 0; i < 40; i++) {
      apply(settings, NOW, inSession("e" + i, IMPRESSION, NOW.plusMillis(i), "s" + i));
      assertTrue(state.sessions.size() <= 3, () -> "open sessions: " + state.sessions.size());
    }
    assertEquals(40L, allTime().sessions());
    assertEquals(100.0, allTime().bounceRate());
  }

  @Test
  void minuteBucketsAreNeverOlderThanTheMinuteWindow() {
    var settings = settings("minute-window = 10m");
    var start = NOW.minus(Duration.ofHours(2));
    for (int i = 0; i < 120; i++) {
      var t = start.plus(Duration.ofMinutes(i)).plusSeconds(7);
      apply(settings, t, event("e" + i, IMPRESSION, t), event("late" + i, IMPRESSION, t.minus(Duration.ofMinutes(30))));
      var oldestKept = Math.floorDiv(t.toEpochMilli() - Duration.ofMinutes(10).toMillis(), MINUTE);
      assertTrue(state.minutes.firstKey() >= oldestKept, "a minute bucket older than the window");
      assertTrue(state.minutes.size() <= 11, () -> "minute buckets: " + state.minutes.size());
    }
    assertEquals(240L, allTime().impressions());
  }

  @Test
  void dayBucketsAreNeverOlderThanTheDayRetention() {
    var settings = settings("day-retention = 3d");
    var start = NOW.minus(Duration.ofDays(20));
    for (int i = 0; i < 20; i++) {
      var t = start.plus(Duration.ofDays(i));
      apply(settings, t, event("e" + i, CLICK, t), event("late" + i, CLICK, t.minus(Duration.ofDays(10))));
      var oldestKept = Math.floorDiv(t.toEpochMilli() - Duration.ofDays(3).toMillis(), DAY);
      assertTrue(state.days.firstKey() >= oldestKept, "a day bucket older than the retention");
      assertTrue(state.days.size() <= 4, () -> "day buckets: " + state.days.size());
    }
    assertEquals(40L, allTime().clicks());
  }

  // Snapshot copy

  @Test
  void aCopyDoesNotChangeWhenTheStateGoesOn() {
    apply(settings(), NOW, withValue("a", CLICK, NOW, "1"), inSession("b", IMPRESSION, NOW, "s1"),
        event("c", VIEW, NOW));
    var copy = state.copy();
    var before = allTime();

    apply(settings(), NOW.plusSeconds(1), withValue("d", CLICK, NOW, "2"), inSession("e", IMPRESSION, NOW, "s1"),
        event("f", VIEW, NOW.minusSeconds(60)));

    assertEquals(before, metricsOf(copy.window(null)));
    assertEquals(metricsOf(state.window(null)), metricsOf(state.copy().window(null)));
    assertEquals(1L, copy.minutes.get(minuteOf(NOW)).count(CLICK));
    assertEquals(3, copy.recentIds.size());
    assertEquals(1L, copy.sessions.get(CampaignState.sessionKey("s1")).events());
    assertEquals(copy.offsets.get(CampaignFixtures.TOPIC + "-0") + 3, state.offsets.get(CampaignFixtures.TOPIC + "-0"));
  }
}
