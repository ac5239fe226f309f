package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.attribution.Credit;
import dev.beacon.attribution.PathChange;
import dev.beacon.attribution.PathCounts;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.attribution.Touchpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.beacon.event.Event;
import dev.beacon.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Sessions, touchpoints, conversions and path changes of one user ({@link JourneyLogic}), and the bucket's bounds. */
class JourneyLogicTest {
  static final Instant T0 = Instant.parse("2024-05-10T09:00:00Z");
  static final ChannelGrouping CHANNELS = JourneyTest.CHANNELS;
  static final double EPS = 1e-9;

  static JourneySettings settings(String overrides) {
    return JourneySettings.from(ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey")));
  }

  /** A hit of user u1 from Direct with no session id; tests change what they need. */
  static final class H {
    String user = "u1";
    String name;
    Instant at;
    String sessionId;
    String channel = ChannelGrouping.DIRECT;
    String campaign;
    long engagementMillis;
    long valueMicros;
    String transactionId;
    String deviceType;

    H(String name, Instant at) {
      this.name = name;
      this.at = at;
    }

    H user(String user) {
      this.user = user;
      return this;
    }

    H session(String id) {
      this.sessionId = id;
      return this;
    }

    H from(String channel, String campaign) {
      this.channel = channel;
      this.campaign = campaign;
      return this;
    }

    H engagement(long millis) {
      this.engagementMillis = millis;
      return this;
    }

    H value(double units) {
      this.valueMicros = Math.round(units * 1_000_000);
      return this;
    }

    H transaction(String id) {
      this.transactionId = id;
      return this;
    }

    H device(String type) {
      this.deviceType = type;
      return this;
    }

    Hit hit(JourneySettings settings) {
      return new Hit(user, name, at.toEpochMilli(), sessionId, channel, campaign, engagementMillis, valueMicros,
          transactionId, settings.conversionEvents().contains(name), deviceType);
    }
  }

  static H at(String name, Instant at) {
    return new H(name, at);
  }

  static Instant minutes(long m) {
    return T0.plus(Duration.ofMinutes(m));
  }

  static Instant days(long d) {
    return T0.plus(Duration.ofDays(d));
  }

  /** One user's journey, fed batch by batch as the entity feeds it. */
  static final class Run {
    final JourneySettings settings;
    final JourneyLogic logic;
    UserJourney journey = UserJourney.EMPTY;
    JourneyLogic.Facts facts;

    Run(JourneySettings settings) {
      this.settings = settings;
      this.logic = new JourneyLogic(settings);
    }

    JourneyLogic.Facts batch(H... hits) {
      facts = new JourneyLogic.Facts();
      var list = new ArrayList<Hit>();
      for (var h : hits) list.add(h.hit(settings));
      journey = logic.apply("u1", journey, list, facts);
      return facts;
    }

    List<Session> sessions() {
      return journey.sessions();
    }
  }

  static Run run() {
    return new Run(JourneyTest.settings());
  }

  @Nested
  class Sessions {
    @Test
    void eventsUpToTheTimeoutApartShareASession() {
      var run = run();
      var facts = run.batch(at("page_view", T0), at("scroll", minutes(30)));

      assertEquals(1, run.sessions().size());
      assertEquals(2, run.sessions().get(0).events());
      assertEquals(minutes(30).toEpochMilli(), run.sessions().get(0).endMillis());
      assertEquals(1, facts.sessionsStarted.size());
    }

    @Test
    void aGapLongerThanTheTimeoutStartsANewSession() {
      var run = run();
      run.batch(at("page_view", T0));
      var facts = run.batch(at("page_view", minutes(30).plusMillis(1)));

      assertEquals(2, run.sessions().size());
      assertEquals(minutes(30).plusMillis(1).toEpochMilli(), facts.sessionsStarted.get(0).startMillis());
    }

    @Test
    void theTimeoutIsMeasuredFromTheLastEventNotTheStart() {
      var run = run();
      run.batch(at("page_view", T0), at("scroll", minutes(25)), at("scroll", minutes(50)), at("scroll", minutes(75)));

      assertEquals(1, run.sessions().size());
    }

    @Test
    void theTimeoutIsConfigurable() {
      var run = new Run(settings("session-timeout = 5m"));
      run.batch(at("page_view", T0), at("page_view", minutes(6)));

      assertEquals(2, run.sessions().size());
    }

    @Test
    void theGaSessionIdDecidesOverTheTimeout() {
      var run = run();
      run.batch(at("page_view", T0).session("u1.100"), at("scroll", minutes(50)).session("u1.100"),
          at("page_view", minutes(51)).session("u1.200"));

      assertEquals(List.of("u1.100", "u1.200"), run.sessions().stream().map(Session::sessionId).toList());
      assertEquals(2, run.sessions().get(0).events());
    }

    @Test
    void aSessionIdSeenAgainContinuesItsOwnSession() {
      var run = run();
      run.batch(at("page_view", T0).session("a"), at("page_view", minutes(1)).session("b"));
      var facts = run.batch(at("scroll", minutes(2)).session("a"));

      assertEquals(2, run.sessions().size());
      assertEquals(2, run.sessions().get(0).events());
      assertTrue(facts.sessionsStarted.isEmpty());
    }

    @Test
    void anEventWithoutASessionIdJoinsTheLatestSessionWithinTheTimeout() {
      var run = run();
      run.batch(at("page_view", T0).session("a"), at("click", minutes(5)));

      assertEquals(1, run.sessions().size());
      assertEquals(2, run.sessions().get(0).events());
    }

    @Test
    void moreThanTenSecondsOfEngagementMakeASessionEngaged() {
      var exactly = run();
      exactly.batch(at("user_engagement", T0).engagement(4_000), at("user_engagement", minutes(1)).engagement(6_000));
      var more = run();
      more.batch(at("user_engagement", T0).engagement(4_000), at("user_engagement", minutes(1)).engagement(6_001));

      assertFalse(exactly.sessions().get(0).engaged(), "10 s is not more than 10 s");
      assertTrue(more.sessions().get(0).engaged());
      assertEquals(10_001, more.sessions().get(0).engagementMillis());
    }

    @Test
    void twoPageViewsMakeASessionEngagedOnce() {
      var run = run();
      var first = run.batch(at("page_view", T0), at("scroll", minutes(1)));
      var second = run.batch(at("page_view", minutes(2)));
      var third = run.batch(at("page_view", minutes(3)));

      assertTrue(first.sessionsEngaged.isEmpty(), "a page view and a scroll are not two page views");
      assertEquals(List.of(new SessionEngaged("u1", null, JourneyLogic.day(T0.toEpochMilli()),
          ChannelGrouping.DIRECT, Touchpoint.NO_CAMPAIGN)), second.sessionsEngaged);
      assertTrue(third.sessionsEngaged.isEmpty(), "an engaged session is reported engaged once");
    }

    @Test
    void aConversionMakesASessionEngaged() {
      var run = run();
      var facts = run.batch(at("begin_checkout", T0));

      assertTrue(run.sessions().get(0).engaged());
      assertEquals(1, facts.sessionsEngaged.size());
    }

    @Test
    void engagementRulesAreConfigurable() {
      var run = new Run(settings("engaged-after = 1s, engaged-page-views = 3"));
      run.batch(at("page_view", T0), at("page_view", minutes(1)));
      assertFalse(run.sessions().get(0).engaged());

      run.batch(at("user_engagement", minutes(2)).engagement(1_001));
      assertTrue(run.sessions().get(0).engaged());
    }
  }

  @Nested
  class TouchpointsAndChannels {
    private final JourneyLogic logic = new JourneyLogic(JourneyTest.settings());

    private Event ga4(String name, Event.TrafficSource source) {
      return new Event("id", "ga4", "acme", name, null, null, "u1", "u1.1", T0, 0, null, 0, source, null, null, null,
          null, List.of(), null, null, null);
    }

    private Event campaignEvent(String type, Event.TrafficSource source) {
      return new Event("id", "campaign", "acme", type, EventType.fromWire(type).orElseThrow(), "spring-sale", "u1", "s1",
          T0, 0, null, 0, source, null, null, null, null, List.of(), null, null, null);
    }

    @Test
    void aGa4SourceIsMappedToItsChannelAndCampaign() {
      var hit = logic.hit(ga4("page_view", new Event.TrafficSource("google", "cpc", "brand")), CHANNELS);

      assertEquals("Paid Search", hit.channel());
      assertEquals("brand", hit.campaign());
      assertFalse(hit.conversion());
    }

    @Test
    void aCampaignEventTakesSourceAndMediumFromItsMetadataAndItsCampaign() {
      var hit = logic.hit(campaignEvent("click", new Event.TrafficSource("facebook", "paid_social", "spring-sale")), CHANNELS);

      assertEquals("Paid Social", hit.channel());
      assertEquals("spring-sale", hit.campaign());
    }

    @Test
    void aCampaignEventWithoutMetadataStillNamesItsCampaign() {
      var hit = logic.hit(campaignEvent("conversion", null), CHANNELS);

      assertEquals(ChannelGrouping.DIRECT, hit.channel());
      assertEquals("spring-sale", hit.campaign());
      assertTrue(hit.conversion());
    }

    @Test
    void anEventWithNoSourceIsDirectWithNoCampaign() {
      var hit = logic.hit(ga4("purchase", null), CHANNELS);

      assertEquals(ChannelGrouping.DIRECT, hit.channel());
      assertEquals(Touchpoint.NO_CAMPAIGN, hit.campaign());
      assertTrue(hit.conversion());
    }

    @Test
    void conversionEventNamesAreConfigurable() {
      var custom = new JourneyLogic(settings("conversion-events = [sign_up]"));

      assertTrue(custom.hit(ga4("sign_up", null), CHANNELS).conversion());
      assertFalse(custom.hit(ga4("purchase", null), CHANNELS).conversion());
    }

    @Test
    void theFirstEventOfASessionDecidesItsTouchpoint() {
      var run = run();
      var facts = run.batch(at("page_view", T0).session("a").from("Organic Search", "(organic)"),
          at("click", minutes(1)).session("a").from("Paid Search", "brand"));

      assertEquals(List.of(new Touchpoint("Organic Search", "(organic)", T0.toEpochMilli())), run.journey.touchpoints());
      assertEquals(List.of("Organic Search", "Organic Search"), facts.feed.stream().map(FeedItem::channel).toList());
    }

    @Test
    void everyEventIsAFeedItemWithItsSessionsChannel() {
      var run = run();
      var facts = run.batch(at("page_view", T0).from("Email", "news"), at("scroll", minutes(1)),
          at("page_view", days(1)).from("Referral", null));

      assertEquals(List.of(
          new FeedItem(T0.toEpochMilli(), "page_view", "u1", "Email", "news"),
          new FeedItem(minutes(1).toEpochMilli(), "scroll", "u1", "Email", "news"),
          new FeedItem(days(1).toEpochMilli(), "page_view", "u1", "Referral", Touchpoint.NO_CAMPAIGN)), facts.feed);
    }

    @Test
    void sessionsOfOneChannelOnOneDayCountAsOneTouch() {
      var run = run();
      run.batch(at("page_view", T0).from("Email", "a"), at("page_view", T0.plus(Duration.ofHours(6))).from("Email", "b"),
          at("page_view", days(1)).from("Email", "c"));
      var facts = run.batch(at("purchase", days(1).plus(Duration.ofHours(1))).from("Direct", null).value(30));

      var conversion = facts.conversions.get(0);
      assertEquals(List.of("Email", "Email", "Direct"), conversion.path(), "same-day Email collapsed, next day kept");
      assertEquals(4, run.sessions().size(), "sessions are all kept; only the touches collapse");
      var linear = conversion.credits().get(RuleBasedAttribution.LINEAR);
      assertEquals(List.of("a", "c", Touchpoint.NO_CAMPAIGN), linear.stream().map(Credit::campaign).toList());
    }
  }

  @Nested
  class Conversions {
    /** Organic Search, Email, Paid Search, Direct on days -6, -4, -1, 0; a purchase of 100 in the Direct session. */
    private Conversion fourTouchPurchase(Run run) {
      run.batch(at("page_view", days(-6)).from("Organic Search", "(organic)"));
      run.batch(at("page_view", days(-4)).from("Email", "newsletter"));
      run.batch(at("page_view", days(-1)).from("Paid Search", "spring"));
      var facts = run.batch(at("page_view", T0), at("purchase", minutes(10)).value(100).transaction("T1"));
      assertEquals(1, facts.conversions.size());
      return facts.conversions.get(0);
    }

    private void assertCredits(Map<String, Double> expected, List<Credit> credits) {
      assertEquals(expected.keySet(), Map.copyOf(credits.stream().collect(
          java.util.stream.Collectors.toMap(Credit::channel, Credit::conversions))).keySet());
      for (var credit : credits) {
        assertEquals(expected.get(credit.channel()), credit.conversions(), EPS, credit.channel());
        assertEquals(expected.get(credit.channel()) * 100, credit.value(), 1e-7, credit.channel());
      }
    }

    @Test
    void aConversionIsCreditedByEveryModelAtOnce() {
      var conversion = fourTouchPurchase(run());

      assertEquals("purchase", conversion.name());
      assertEquals(100.0, conversion.value(), EPS);
      assertEquals("T1", conversion.transactionId());
      assertEquals(List.of("Organic Search", "Email", "Paid Search", "Direct"), conversion.path());
      var credits = conversion.credits();
      assertEquals(RuleBasedAttribution.MODELS, List.copyOf(credits.keySet()));
      assertCredits(Map.of("Organic Search", 1.0), credits.get(RuleBasedAttribution.FIRST_CLICK));
      assertCredits(Map.of("Paid Search", 1.0), credits.get(RuleBasedAttribution.LAST_CLICK));
      assertCredits(Map.of("Organic Search", 0.25, "Email", 0.25, "Paid Search", 0.25, "Direct", 0.25),
          credits.get(RuleBasedAttribution.LINEAR));
      assertCredits(Map.of("Organic Search", 0.4, "Email", 0.1, "Paid Search", 0.1, "Direct", 0.4),
          credits.get(RuleBasedAttribution.POSITION_BASED));
      // 2^(-age/7) for ages 6, 4, 1, 0 days, normalised
      assertCredits(Map.of("Organic Search", 0.17633164839500565, "Email", 0.21495068706189455,
          "Paid Search", 0.28930217112306117, "Direct", 0.31941549342003867), credits.get(RuleBasedAttribution.TIME_DECAY));
    }

    @Test
    void theHalfLifeIsConfigurable() {
      var conversion = fourTouchPurchase(new Run(settings("half-life = 1d")));

      var direct = conversion.credits().get(RuleBasedAttribution.TIME_DECAY).stream()
          .filter(c -> c.channel().equals("Direct")).findFirst().orElseThrow();
      // 1 / (2^-6 + 2^-4 + 2^-1 + 1)
      assertEquals(1 / (1.0 / 64 + 1.0 / 16 + 0.5 + 1), direct.conversions(), EPS);
    }

    @Test
    void aTransactionIdIsCountedOnceWhicheverEventBringsItAgain() {
      var run = run();
      var first = run.batch(at("purchase", T0).value(40).transaction("T1"), at("conversion", minutes(1)).value(40).transaction("T1"));
      var later = run.batch(at("purchase", days(2)).value(40).transaction("T1"));

      assertEquals(1, first.conversions.size());
      assertTrue(later.conversions.isEmpty());
      assertEquals(1, run.journey.conversions().size());
      assertEquals(1, first.pathChanges.stream().filter(c -> c.conversions() == 1).count());
    }

    @Test
    void conversionsWithoutATransactionIdAreEachCounted() {
      var run = run();
      var facts = run.batch(at("begin_checkout", T0).value(10), at("begin_checkout", minutes(1)).value(10));

      assertEquals(2, facts.conversions.size());
    }

    @Test
    void theRememberedTransactionIdsAreBounded() {
      var run = new Run(settings("max-transaction-ids-per-user = 2"));
      run.batch(at("purchase", T0).transaction("T1"), at("purchase", minutes(1)).transaction("T2"),
          at("purchase", minutes(2)).transaction("T3"));

      assertEquals(List.of("T2", "T3"), run.journey.transactionIds());
      assertEquals(1, run.batch(at("purchase", minutes(3)).transaction("T1")).conversions.size(), "T1 was forgotten");
      assertEquals(0, run.batch(at("purchase", minutes(4)).transaction("T3")).conversions.size());
    }

    @Test
    void aTouchOlderThanTheLookbackGetsNoCredit() {
      var run = run();
      run.batch(at("page_view", days(-14).minusMillis(1)).from("Email", "old"));
      run.batch(at("page_view", days(-2)).from("Paid Search", "brand"));
      var conversion = run.batch(at("purchase", T0).value(5)).conversions.get(0);

      assertEquals(List.of("Paid Search", "Direct"), conversion.path());
      assertEquals("Paid Search", conversion.credits().get(RuleBasedAttribution.FIRST_CLICK).get(0).channel());
    }

    @Test
    void aTouchExactlyTheLookbackBeforeStillCounts() {
      var run = run();
      run.batch(at("page_view", days(-14)).from("Email", "edge"));
      var conversion = run.batch(at("purchase", T0).value(5)).conversions.get(0);

      assertEquals(List.of("Email", "Direct"), conversion.path());
    }

    @Test
    void theLookbackIsConfigurable() {
      var run = new Run(settings("lookback = 3d"));
      run.batch(at("page_view", days(-4)).from("Email", "e"));
      run.batch(at("page_view", days(-2)).from("Paid Search", "p"));
      var conversion = run.batch(at("purchase", T0)).conversions.get(0);

      assertEquals(List.of("Paid Search", "Direct"), conversion.path());
    }

    @Test
    void theLatestConversionsAreKeptUpToTheBound() {
      var run = new Run(settings("max-conversions-per-user = 2"));
      run.batch(at("purchase", T0).transaction("a"), at("purchase", minutes(1)).transaction("b"),
          at("purchase", minutes(2)).transaction("c"));

      assertEquals(List.of("b", "c"), run.journey.conversions().stream().map(Conversion::transactionId).toList());
    }
  }

  @Nested
  class Paths {
    private PathChange change(List<String> path, long conversions, double value, long nulls) {
      return new PathChange("u1", path, conversions, value, nulls);
    }

    @Test
    void theFirstTouchPutsTheUserOnAnOpenPath() {
      var facts = run().batch(at("page_view", T0).from("Organic Search", null));

      assertEquals(List.of(change(List.of("Organic Search"), 0, 0, 1)), facts.pathChanges);
    }

    @Test
    void anOpenPathMovesWhenANewTouchArrives() {
      var run = run();
      run.batch(at("page_view", T0).from("Organic Search", null));
      var facts = run.batch(at("page_view", days(1)).from("Email", null));

      assertEquals(List.of(change(List.of("Organic Search"), 0, 0, -1), change(List.of("Organic Search", "Email"), 0, 0, 1)),
          facts.pathChanges);
    }

    @Test
    void aSameDayTouchOfTheSameChannelMovesNothing() {
      var run = run();
      run.batch(at("page_view", T0).from("Email", null));
      var facts = run.batch(at("page_view", T0.plus(Duration.ofHours(3))).from("Email", null));

      assertTrue(facts.pathChanges.isEmpty());
    }

    @Test
    void aConversionAddsItsPathAndTakesTheOpenJourneyOff() {
      var run = run();
      run.batch(at("page_view", T0).from("Organic Search", null));
      var facts = run.batch(at("page_view", days(1)).from("Email", null), at("purchase", days(1).plusSeconds(60)).value(25));

      assertEquals(List.of(change(List.of("Organic Search", "Email"), 1, 25, 0), change(List.of("Organic Search"), 0, 0, -1)),
          facts.pathChanges);
    }

    @Test
    void aTouchAfterAConversionOpensAPathOfItsOwn() {
      var run = run();
      run.batch(at("page_view", T0).from("Organic Search", null), at("purchase", minutes(1)).value(25));
      var facts = run.batch(at("page_view", days(1)).from("Paid Search", null));

      assertEquals(List.of(change(List.of("Paid Search"), 0, 0, 1)), facts.pathChanges);
    }

    @Test
    void pathChangesKeepAnOrganisationsPathCountsInStep() {
      var counts = new PathCounts();
      var run = run();
      var batches = List.of(
          new H[] {at("page_view", T0).from("Organic Search", null)},
          new H[] {at("page_view", days(1)).from("Email", null)},
          new H[] {at("purchase", days(1).plusSeconds(30)).value(40).transaction("T1")},
          new H[] {at("purchase", days(1).plusSeconds(40)).value(40).transaction("T1")},
          new H[] {at("page_view", days(3)).from("Paid Search", null)},
          new H[] {at("page_view", days(4)).from("Referral", null)});
      for (var batch : batches) run.batch(batch).pathChanges.forEach(counts::apply);

      assertEquals(Map.of(
          List.of("Organic Search", "Email"), new PathCounts.Outcome(1, 40, 0),
          List.of("Paid Search", "Referral"), new PathCounts.Outcome(0, 0, 1)), counts.paths());
    }
  }

  @Nested
  class Bounds {
    @Test
    void atMostMaxTouchpointsSessionsAreKeptOldestDroppedFirst() {
      var run = new Run(settings("max-touchpoints-per-user = 3"));
      for (int d = 0; d < 5; d++) run.batch(at("page_view", days(d)).from("Email", "c" + d));

      assertEquals(List.of("c2", "c3", "c4"), run.sessions().stream().map(Session::campaign).toList());
    }

    private JourneyState state;
    private JourneyLogic logic;

    /** Admits hits in one batch applied at {@code appliedAt} (processing time). */
    private void admit(Instant appliedAt, H... hits) {
      var list = new ArrayList<Hit>();
      for (var h : hits) list.add(h.hit(logic.settings()));
      state.apply(list, logic, appliedAt.toEpochMilli());
    }

    private void bucket(String overrides) {
      state = new JourneyState();
      logic = new JourneyLogic(settings(overrides));
    }

    @Test
    void theLeastRecentlyTouchedUserIsEvictedFirst() {
      bucket("max-users-per-bucket = 2");
      admit(T0, at("page_view", T0).user("a"), at("page_view", T0).user("b"));
      admit(minutes(1), at("page_view", minutes(1)).user("a"));
      admit(minutes(2), at("page_view", minutes(2)).user("c"));

      assertEquals(List.of("a", "c"), List.copyOf(state.users.keySet()));
    }

    @Test
    void aUserNoBatchTouchedForLongerThanTheRetentionIsDroppedAndComesBackAfresh() {
      bucket("user-retention = 30d");
      admit(T0, at("page_view", T0).user("a").from("Email", null), at("page_view", T0).user("b"));
      admit(days(20), at("page_view", days(20)).user("b"));
      admit(days(30), at("page_view", days(30)).user("b"));
      assertTrue(state.users.containsKey("a"), "idle exactly the retention: kept");

      admit(days(30).plusMillis(1), at("page_view", days(30).plusMillis(1)).user("b"));
      assertFalse(state.users.containsKey("a"));
      assertNull(state.journey("a", logic.settings()));

      admit(days(31), at("page_view", days(31)).user("a").from("Referral", null));
      assertEquals(List.of("Referral"), state.users.get("a").sessions().stream().map(Session::channel).toList());
    }

    @Test
    void historyImportedTodayIsKeptHoweverOldItsEventsAre() {
      bucket("user-retention = 30d");
      admit(days(400), at("page_view", days(399)).user("live"));
      // a backfill: events a year older than the bucket's latest, arriving now
      admit(days(400), at("page_view", T0).user("imported").from("Email", null));
      admit(days(401), at("purchase", T0.plusSeconds(60)).user("imported").value(5).transaction("T1"));

      var journey = state.journey("imported", logic.settings());
      assertNotNull(journey);
      assertEquals(List.of("Email"), journey.conversions().get(0).path());
      assertNotNull(state.journey("live", logic.settings()));
    }

    @Test
    void planningChangesNothingUntilCommitted() {
      bucket("");
      var hits = List.of(at("page_view", T0).user("a").hit(logic.settings()));

      var update = state.plan(hits, logic, T0.toEpochMilli());

      assertTrue(state.users.isEmpty());
      assertEquals(1, update.facts().sessionsStarted.size());
      state.commit(update, logic.settings());
      assertEquals(1, state.users.get("a").sessions().size());
    }
  }

  @Nested
  class EventTime {
    private final JourneyLogic logic = new JourneyLogic(JourneyTest.settings());
    private final ChannelGrouping channels = ChannelGrouping.load();

    private Hit campaignEvent(String type, Instant at, Event.TrafficSource source, long valueMicros, String transactionId) {
      return logic.hit(new Event("id-" + type, "campaign", "acme", type, EventType.fromWire(type).orElseThrow(), "spring-sale",
          "u1", "s1", at, valueMicros, null, 0, source, transactionId, null, null, null, List.of(), null, null, null), channels);
    }

    /** The case of issue 10: the purchase is sent first, the click that led to it three seconds later. */
    @Test
    void aPurchaseSentBeforeItsClickIsCreditedToTheClick() {
      var click = campaignEvent("click", minutes(-10), new Event.TrafficSource("google", "cpc", null), 0, null);
      var purchase = campaignEvent("conversion", minutes(-5), null, 49_000_000, "T1");
      var run = run();

      var first = run.logic.apply("u1", run.journey, List.of(purchase), run.facts = new JourneyLogic.Facts());
      assertEquals(ChannelGrouping.DIRECT, first.conversions().get(0).path().get(0), "alone, the purchase is Direct");
      run.journey = first;
      var late = new JourneyLogic.Facts();
      run.journey = run.logic.apply("u1", run.journey, List.of(click), late);

      var conversion = run.journey.conversions().get(0);
      assertEquals(List.of("Paid Search"), conversion.path());
      for (var model : RuleBasedAttribution.MODELS) {
        assertEquals(List.of("Paid Search"), conversion.credits().get(model).stream().map(Credit::channel).toList(), model);
      }
      var session = run.journey.sessions().get(0);
      assertEquals(1, run.journey.sessions().size());
      assertEquals("Paid Search", session.channel());
      assertEquals(minutes(-10).toEpochMilli(), session.startMillis());
      assertEquals(minutes(-5).toEpochMilli(), session.endMillis());
      // restated: the Direct credits out, the Paid Search ones in, once
      assertEquals(1, late.outOfOrder);
      assertEquals(1, late.conversionsWithdrawn.size());
      assertEquals(List.of("Direct"), late.conversionsWithdrawn.get(0).path());
      assertEquals(List.of(conversion), late.conversions);
      assertEquals("Direct", late.sessionsWithdrawn.get(0).channel());
      assertEquals("Paid Search", late.sessionsStarted.get(0).channel());
      assertEquals(List.of("click"), late.feed.stream().map(FeedItem::name).toList(), "the feed gets the late event only");
    }

    @Test
    void theSameEventsInEitherOrderAddUpToTheSameReadTables() {
      var click = campaignEvent("click", minutes(-10), new Event.TrafficSource("google", "cpc", null), 0, null);
      var purchase = campaignEvent("conversion", minutes(-5), null, 49_000_000, "T1");
      var inOrder = new ReadTables();
      var reversed = new ReadTables();
      var a = UserJourney.EMPTY;
      var b = UserJourney.EMPTY;
      for (var hit : List.of(click, purchase)) {
        var facts = new JourneyLogic.Facts();
        a = logic.apply("u1", a, List.of(hit), facts);
        inOrder.add(facts);
      }
      for (var hit : List.of(purchase, click)) {
        var facts = new JourneyLogic.Facts();
        b = logic.apply("u1", b, List.of(hit), facts);
        reversed.add(facts);
      }

      reversed.assertMatches(inOrder);
      assertTrue(reversed.keys().stream().noneMatch(k -> k.contains("Direct")), reversed.keys().toString());
      assertEquals(a.conversions(), b.conversions());
    }

    @Test
    void aLateEventJoinsTwoSessionsItFallsBetween() {
      var run = run();
      run.batch(at("page_view", T0), at("page_view", minutes(50)));
      assertEquals(2, run.sessions().size());

      var facts = run.batch(at("page_view", minutes(25)));

      assertEquals(1, run.sessions().size(), "25 minutes from each: one session");
      assertEquals(1, facts.sessionsWithdrawn.size());
      assertTrue(facts.sessionsStarted.isEmpty());
    }

    @Test
    void aLateConversionWithAnEarlierTimeTakesOverItsTransactionAndMovesToItsDay() {
      var run = run();
      run.batch(at("page_view", days(1)).from("Email", "news"), at("purchase", days(1).plusSeconds(60)).value(30).transaction("T1"));

      var facts = run.batch(at("purchase", T0).value(30).transaction("T1"));

      assertEquals(1, run.journey.conversions().size());
      assertEquals(T0.toEpochMilli(), run.journey.conversions().get(0).timestampMillis());
      assertEquals(List.of("Direct"), run.journey.conversions().get(0).path());
      assertEquals(List.of("Email"), facts.conversionsWithdrawn.get(0).path());
      assertEquals(LocalDate.ofInstant(days(1), java.time.ZoneOffset.UTC), facts.conversionsWithdrawn.get(0).day());
    }

    @Test
    void anEventEarlierThanTheAllowedLatenessIsCountedAndChangesNothing() {
      var run = run();
      run.batch(at("page_view", days(5)));
      var before = run.journey;

      var facts = run.batch(at("purchase", days(5).minus(Duration.ofHours(72)).minusMillis(1)).value(10));

      assertEquals(1, facts.tooLate);
      assertSame(before, run.journey);
      assertTrue(facts.conversions.isEmpty());
      assertEquals(0, run.batch(at("page_view", days(2))).tooLate, "exactly the lateness before: still in");
    }

    @Test
    void theAllowedLatenessIsConfigurable() {
      var run = new Run(settings("allowed-lateness = 1h"));
      run.batch(at("page_view", minutes(120)));

      assertEquals(1, run.batch(at("page_view", minutes(59))).tooLate);
      assertEquals(0, run.batch(at("page_view", minutes(60))).tooLate);
    }

    @Test
    void eventsBeyondTheLatenessAreSettledAndNoLongerKeptAsRecent() {
      var run = run();
      run.batch(at("page_view", T0), at("page_view", minutes(1)));
      assertEquals(2, run.journey.recent().size());

      run.batch(at("page_view", days(4)));

      assertEquals(1, run.journey.recent().size(), "T0's events are more than 72 h behind");
      assertEquals(1, run.journey.settled().sessions().size(), "the settled journey has T0's session");
      assertEquals(days(1).toEpochMilli(), run.journey.settledBefore());
    }

    @Test
    void theRecentEventsPerUserAreBoundedAndAnEventBeforeTheSettledOnesIsTooLate() {
      var run = new Run(settings("max-recent-events-per-user = 3"));
      run.batch(at("page_view", minutes(10)), at("page_view", minutes(20)), at("page_view", minutes(30)),
          at("page_view", minutes(40)), at("page_view", minutes(50)));

      assertEquals(3, run.journey.recent().size());
      assertEquals(1, run.batch(at("page_view", minutes(15))).tooLate);
      assertEquals(0, run.batch(at("page_view", minutes(35))).tooLate);
      assertEquals(3, run.journey.recent().size());
    }

    @Test
    void aLateTouchRestatesTheOpenPathOnce() {
      var run = run();
      var paths = new PathCounts();
      for (var change : run.batch(at("page_view", minutes(60)).from("Email", "news")).pathChanges) paths.apply(change);

      var facts = run.batch(at("page_view", T0).from("Paid Search", "brand"));

      for (var change : facts.pathChanges) paths.apply(change);
      assertEquals(Map.of(List.of("Paid Search", "Email"), new PathCounts.Outcome(0, 0, 1)), paths.paths());
      // the Email journey comes off, the Paid Search > Email one goes on: nothing else
      assertEquals(2, facts.pathChanges.size());
      assertEquals(-1, facts.pathChanges.stream().filter(p -> p.path().equals(List.of("Email"))).mapToLong(PathChange::nulls).sum());
      assertEquals(1, facts.pathChanges.stream().filter(p -> p.path().equals(List.of("Paid Search", "Email")))
          .mapToLong(PathChange::nulls).sum());
    }
  }
}
