package dev.beacon.journey;

import dev.beacon.attribution.Credit;
import dev.beacon.attribution.PathChange;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.attribution.Touchpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beacon.event.Delivered;
import dev.beacon.event.Verdict;
import dev.beacon.event.Event;
import dev.beacon.testing.TestKits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The {@link JourneyBucket} entity keeping users' journeys: the persisted facts, the journey query, recovery. */
class JourneyEntityTest {
  static final Instant NOW = Instant.parse("2024-05-10T12:00:00Z");
  static final Event.TrafficSource GOOGLE_CPC = new Event.TrafficSource("google", "cpc", "brand");
  static final Event.TrafficSource GOOGLE_ORGANIC = new Event.TrafficSource("google", "organic", "(organic)");
  static final Event.TrafficSource NEWSLETTER = new Event.TrafficSource("newsletter", "email", "may");

  private static final ActorTestKit testKit = ActorTestKit.create("JourneyEntityTest", TestKits.eventSourcedConfig());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final dev.beacon.testing.MovableClock clock = new dev.beacon.testing.MovableClock(NOW);
  private static final AtomicInteger entities = new AtomicInteger();
  private long offset;

  private EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> journey(JourneySettings settings) {
    return journey(settings, "acme|b" + entities.incrementAndGet());
  }

  private EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> journey(JourneySettings settings,
      String entityId) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        JourneyBucket.create(entityId, settings, JourneyTest.CHANNELS, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  /** A GA4-like event of a user, at its own Kafka offset; the id says who, what and when. */
  private Delivered event(String user, String name, Instant at, String gaSession, Event.TrafficSource source,
      double value, String transactionId) {
    return event(user, name, at, gaSession, source, value, transactionId, null);
  }

  private Delivered event(String user, String name, Instant at, String gaSession, Event.TrafficSource source,
      double value, String transactionId, String deviceType) {
    var sessionId = gaSession == null ? null : user + "." + gaSession;
    var event = new Event(user + "/" + name + "/" + at, "ga4", "acme", name, null, null, user, sessionId, at,
        Math.round(value * 1_000_000), "USD", 0, source, transactionId, deviceType, null, null, List.of(), null, null, null);
    return new Delivered(event, "beacon.events", 0, offset++);
  }

  private Delivered pageView(String user, Instant at, String gaSession, Event.TrafficSource source) {
    return event(user, "page_view", at, gaSession, source, 0, null);
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<JourneyBucket.Command, JourneyBucket.Event, JourneyState,
      StatusReply<JourneyBucket.Admitted>> admit(EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit,
      Delivered... events) {
    return kit.runCommand(replyTo -> new JourneyBucket.Admit(List.of(events), replyTo));
  }

  private static StatusReply<JourneyBucket.UserJourneyView> query(
      EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit, String user) {
    return kit.<StatusReply<JourneyBucket.UserJourneyView>>runCommand(replyTo -> new JourneyBucket.GetUserJourney(user, replyTo)).reply();
  }

  private static StatusReply<JourneyProfile> profile(
      EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit, String user) {
    return kit.<StatusReply<JourneyProfile>>runCommand(replyTo -> new JourneyBucket.GetProfile(user, replyTo)).reply();
  }

  private static List<Credit> only(String channel, String campaign, double value) {
    return List.of(new Credit(channel, campaign, 1.0, value));
  }

  @Test
  void theEventCarriesTheAdmittedEventsAndTheirFacts() {
    var kit = journey(JourneyTest.settings());
    var day = JourneyLogic.day(NOW.toEpochMilli());

    var event = admit(kit,
        pageView("ann", NOW, "1", GOOGLE_CPC),
        pageView("bob", NOW, "7", GOOGLE_ORGANIC),
        pageView("ann", NOW.plusSeconds(60), "1", GOOGLE_CPC),
        event("ann", "purchase", NOW.plusSeconds(120), "1", null, 80, "T1"))
        .eventOfType(JourneyBucket.JourneysUpdated.class);

    assertEquals("acme", event.organizationId());
    assertEquals(4, event.seen().size());
    assertEquals(NOW.toEpochMilli(), event.appliedAtMillis());
    assertEquals(List.of("ann", "bob", "ann", "ann"), event.hits().stream().map(Hit::userId).toList(),
        "hits in the order admitted");
    assertEquals(List.of("ann", "ann", "ann", "bob"), event.feed().stream().map(FeedItem::userId).toList(),
        "facts grouped by user, in the order the batch first named them");
    assertEquals(List.of(
        new SessionStarted("ann", "ann.1", day, NOW.toEpochMilli(), "Paid Search", "brand"),
        new SessionStarted("bob", "bob.7", day, NOW.toEpochMilli(), "Organic Search", "(organic)")),
        event.sessionsStarted());
    assertEquals(List.of(new SessionEngaged("ann", "ann.1", day, "Paid Search", "brand")), event.sessionsEngaged());
    var conversion = event.conversions().get(0);
    assertEquals(1, event.conversions().size());
    assertEquals(new Conversion("ann", "purchase", NOW.plusSeconds(120).toEpochMilli(), day, 80.0, "T1", "ann.1",
        List.of("Paid Search"), Map.of(
            RuleBasedAttribution.FIRST_CLICK, only("Paid Search", "brand", 80),
            RuleBasedAttribution.LAST_CLICK, only("Paid Search", "brand", 80),
            RuleBasedAttribution.LINEAR, only("Paid Search", "brand", 80),
            RuleBasedAttribution.TIME_DECAY, only("Paid Search", "brand", 80),
            RuleBasedAttribution.POSITION_BASED, only("Paid Search", "brand", 80))), conversion);
    assertEquals(List.of(
        new PathChange("ann", List.of("Paid Search"), 1, 80.0, 0),
        new PathChange("bob", List.of("Organic Search"), 0, 0, 1)), event.pathChanges());
    assertEquals(List.of("purchase", "Paid Search"), List.of(event.feed().get(2).name(), event.feed().get(2).channel()),
        "a feed item has its session's channel");
    assertEquals(4, event.feed().size());
  }

  @Test
  void thePersistedEventRoundTripsThroughItsCompactSerializerUnchanged() {
    var kit = journey(JourneyTest.settings());
    admit(kit, pageView("ann", NOW.minus(Duration.ofDays(3)), "1", NEWSLETTER));
    var event = admit(kit, pageView("ann", NOW, "2", GOOGLE_CPC), event("ann", "purchase", NOW.plusSeconds(5), "2", null, 12.5, "T9"))
        .eventOfType(JourneyBucket.JourneysUpdated.class);

    var serialization = testKit.serializationTestKit();
    assertEquals(event, serialization.verifySerialization(event, true));
    assertInstanceOf(JourneyEventSerializer.class,
        SerializationExtension.get(testKit.system().classicSystem()).findSerializerFor(event));
    assertEquals(2, event.conversions().get(0).path().size());
  }

  @Test
  void aSnapshotRoundTripsThroughCborWithItsUsersInOrder() {
    var kit = journey(JourneyTest.settings());
    admit(kit, pageView("zoe", NOW, "1", GOOGLE_CPC), pageView("ann", NOW, "1", NEWSLETTER),
        event("zoe", "purchase", NOW.plusSeconds(30), "1", null, 20, "T1"));
    var state = kit.getState();

    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var bytes = serialization.serialize(state).get();
    var manifest = org.apache.pekko.serialization.Serializers.manifestFor(serialization.findSerializerFor(state), state);
    var back = (JourneyState) serialization.deserialize(bytes, serialization.findSerializerFor(state).identifier(), manifest).get();

    assertEquals(List.of("zoe", "ann"), List.copyOf(back.users.keySet()));
    assertEquals(state.users, back.users);
    assertEquals(state.appliedAtMillis, back.appliedAtMillis);
    assertEquals(state.recentIds, back.recentIds);
  }

  @Test
  void theJourneyQueryAnswersSessionsTouchpointsAndConversionsWithCredits() {
    var kit = journey(JourneyTest.settings());
    var monday = NOW.minus(Duration.ofDays(2)).minus(Duration.ofHours(3));
    admit(kit, pageView("ann", monday, "1", NEWSLETTER), pageView("ann", monday.plusSeconds(10), "1", NEWSLETTER));
    admit(kit, pageView("ann", monday.plus(Duration.ofHours(4)), "2", NEWSLETTER));
    admit(kit, pageView("ann", NOW, "3", GOOGLE_CPC), event("ann", "purchase", NOW.plusSeconds(90), "3", null, 50, "T1"));

    var view = query(kit, "ann").getValue();

    assertEquals("ann", view.userId());
    assertEquals(List.of("ann.1", "ann.2", "ann.3"), view.sessions().stream().map(Session::sessionId).toList());
    assertEquals(List.of(true, false, true), view.sessions().stream().map(Session::engaged).toList());
    assertEquals(List.of(2, 1, 2), view.sessions().stream().map(Session::events).toList());
    assertEquals(List.of(new Touchpoint("Email", "may", monday.toEpochMilli()),
        new Touchpoint("Paid Search", "brand", NOW.toEpochMilli())), view.touchpoints(), "same-day Email collapsed");
    assertEquals(1, view.conversions().size());
    var linear = view.conversions().get(0).credits().get(RuleBasedAttribution.LINEAR);
    assertEquals(List.of(new Credit("Email", "may", 0.5, 25.0), new Credit("Paid Search", "brand", 0.5, 25.0)), linear);
  }

  @Test
  void theProfileCountsAllOfAUsersEventsInEventTimeAndARestartGivesItBack() {
    // keeps 2 sessions and 1 conversion per user: the profile counts beyond them
    var settings = JourneyLogicTest.settings("snapshot-every = 2, max-touchpoints-per-user = 2, max-conversions-per-user = 1");
    var id = "acme|b" + entities.incrementAndGet();
    var kit = journey(settings, id);
    var day = Duration.ofDays(1);
    admit(kit, event("ann", "page_view", NOW, "1", NEWSLETTER, 0, null, "mobile"),
        event("ann", "page_view", NOW.plusSeconds(10), "1", NEWSLETTER, 0, null, "mobile"));
    admit(kit, event("ann", "purchase", NOW.plus(day), "2", GOOGLE_CPC, 50, "T1", "desktop"));
    admit(kit, event("ann", "purchase", NOW.plus(day.multipliedBy(2)), "3", GOOGLE_ORGANIC, 30, "T2", "desktop"));
    // late: a session between the others, and a purchase of T1 before the one counted, which it takes over
    admit(kit, event("ann", "page_view", NOW.plus(Duration.ofHours(12)), "4", GOOGLE_CPC, 0, null, "tablet"));
    var restating = admit(kit, event("ann", "purchase", NOW.plus(day).minusSeconds(3600), "5", NEWSLETTER, 20, "T1"));

    assertTrue(restating.eventOfType(JourneyBucket.JourneysUpdated.class).conversionsWithdrawn().stream()
        .anyMatch(c -> "T1".equals(c.transactionId()) && c.value() == 50), "the T1 purchase of 50 is withdrawn");
    var expected = new JourneyProfile(2, 50.0, NOW.plus(day).minusSeconds(3600).toEpochMilli(),
        NOW.plus(day.multipliedBy(2)).toEpochMilli(), 5, 4, 3, "desktop", "Organic Search",
        NOW.plus(day.multipliedBy(2)).toEpochMilli(), true, true);
    assertEquals(expected, profile(kit, "ann").getValue());
    var view = query(kit, "ann").getValue();
    assertEquals(List.of(2, 1), List.of(view.sessions().size(), view.conversions().size()), "the journey keeps less");
    assertEquals(expected, view.profile());
    var users = new LinkedHashMap<>(kit.getState().users);

    kit.restart();

    assertTrue(kit.snapshotTestKit().orElseThrow().persistedInStorage("Journey|" + id).size() > 0, "recovered from a snapshot");
    assertEquals(users, kit.getState().users);
    assertEquals(expected, profile(kit, "ann").getValue());
    admit(kit, event("ann", "page_view", NOW.plus(day.multipliedBy(3)), null, null, 0, null, "mobile"));
    var after = profile(kit, "ann").getValue();
    assertEquals(List.of(6L, 4L, "mobile", "Direct"),
        List.of(after.sessions(), after.pageViews(), after.deviceType(), after.channel()));
  }

  @Test
  void anOldJournalReplaysIntoProfilesAndAnOldSnapshotCountsWhatItsJourneysKept() throws Exception {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var user = "nutzer-ü-🚀";
    var at = 1_715_342_460_123L;
    var journalId = "acme|b" + entities.incrementAndGet();
    var replayed = journey(JourneyTest.settings(), journalId);
    var batch = serialization.deserialize(golden("journey-events/JourneysUpdated.2"), 7_420_002, "JourneysUpdated.2").get();
    replayed.persistenceTestKit().persistForRecovery("Journey|" + journalId, List.of(batch));

    replayed.restart();

    // the journal's events are replayed: every figure counted; its hits named no device
    assertEquals(new JourneyProfile(1, 129.99, at, at, 2, 2, 1, null, "Paid Search", at, true, true), profile(replayed, user).getValue());

    // (a new testkit clears the storage of the one before: one at a time)
    var snapshotId = "acme|b" + entities.incrementAndGet();
    var snapshotted = journey(JourneyTest.settings(), snapshotId);
    var state = serialization.deserialize(golden("jackson-cbor/dev.beacon.journey.JourneyState"), 33,
        "dev.beacon.journey.JourneyState").get();
    snapshotted.snapshotTestKit().orElseThrow().persistForRecovery("Journey|" + snapshotId,
        List.of(org.apache.pekko.japi.Pair.create(org.apache.pekko.persistence.testkit.SnapshotMeta.create(1), state)));

    snapshotted.restart();

    // the snapshot kept journeys, no totals: they count from its kept sessions and conversions
    assertEquals(new JourneyProfile(1, 129.99, at, at, 2, 1, 1, null, "Paid Search", at, true, true), profile(snapshotted, user).getValue());
    assertEquals(new JourneyProfile(0, 0, null, null, 1, 0, 1, null, "Direct", -1, true, true), profile(snapshotted, "user-2").getValue());
  }

  private static byte[] golden(String file) throws Exception {
    try (var in = JourneyEntityTest.class.getResourceAsStream("/journal/golden/" + file + ".bin")) {
      return in.readAllBytes();
    }
  }

  @Test
  void withJourneysOffNoUserHasAProfile() {
    var kit = journey(JourneyLogicTest.settings("tracking = off"));
    admit(kit, event("ann", "purchase", NOW, "1", GOOGLE_CPC, 30, "T1", "mobile"));

    assertEquals(JourneyBucket.UNKNOWN_USER, profile(kit, "ann").getError().getMessage());
  }

  @Test
  void aRecentEventInASnapshotFromBeforeDeviceTypesReadsWithNone() throws Exception {
    var old = java.util.Arrays.asList("ann", "page_view", 1_715_342_400_123L, "ann.1", "Email", "may", 12_000, 0, null, false);
    var bytes = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.cbor.CBORFactory())
        .writeValueAsBytes(old);

    var read = SerializationExtension.get(testKit.system().classicSystem()).deserialize(bytes, 33, Hit.class.getName()).get();

    assertEquals(new Hit("ann", "page_view", 1_715_342_400_123L, "ann.1", "Email", "may", 12_000, 0, null, false, null), read);
  }

  @Test
  void anUnknownUserIsAnErrorReply() {
    var kit = journey(JourneyTest.settings());
    admit(kit, pageView("ann", NOW, "1", GOOGLE_CPC));

    var reply = query(kit, "nobody");

    assertTrue(reply.isError());
    assertEquals("unknown user", reply.getError().getMessage());
  }

  @Test
  void aRetriedConversionIsRefusedAndCountsOnce() {
    var kit = journey(JourneyTest.settings());
    var purchase = event("ann", "purchase", NOW, "1", GOOGLE_CPC, 30, "T1");
    admit(kit, purchase);

    var retry = admit(kit, new Delivered(purchase.event(), purchase.topic(), purchase.partition(), 999));
    var redelivery = admit(kit, purchase);

    assertEquals(List.of(Verdict.DUPLICATE), retry.reply().getValue().verdicts());
    assertEquals(List.of(Verdict.REDELIVERED), redelivery.reply().getValue().verdicts());
    assertTrue(retry.hasNoEvents());
    assertTrue(redelivery.hasNoEvents());
    assertEquals(1, query(kit, "ann").getValue().conversions().size());
  }

  @Test
  void recoveryFromSnapshotAndEventsGivesTheSameJourneys() {
    var settings = JourneyTest.settings(20_000, 2);
    var restartedId = "acme|b" + entities.incrementAndGet();
    var restarted = journey(settings, restartedId);
    var twin = journey(settings);
    var batches = new ArrayList<Delivered[]>();
    batches.add(new Delivered[] {pageView("ann", NOW, "1", NEWSLETTER), pageView("bob", NOW, "1", GOOGLE_ORGANIC)});
    batches.add(new Delivered[] {pageView("ann", NOW.plus(Duration.ofDays(1)), "2", GOOGLE_CPC)});
    batches.add(new Delivered[] {event("ann", "purchase", NOW.plus(Duration.ofDays(1)).plusSeconds(60), "2", null, 70, "T1"),
        pageView("cid", NOW.plus(Duration.ofDays(1)), null, null)});
    batches.add(new Delivered[] {pageView("bob", NOW.plus(Duration.ofDays(2)), "2", NEWSLETTER)});
    batches.add(new Delivered[] {event("bob", "begin_checkout", NOW.plus(Duration.ofDays(2)).plusSeconds(30), "2", null, 9, null),
        pageView("ann", NOW.plus(Duration.ofDays(3)), "3", GOOGLE_ORGANIC)});
    for (var batch : batches) {
      admit(restarted, batch);
      admit(twin, batch);
    }
    var before = new LinkedHashMap<>(restarted.getState().users);
    var appliedAt = restarted.getState().appliedAtMillis;
    var snapshots = restarted.snapshotTestKit().orElseThrow();

    restarted.restart();

    assertTrue(snapshots.persistedInStorage("Journey|" + restartedId).size() > 0, "recovered from a snapshot");
    assertEquals(List.copyOf(before.keySet()), List.copyOf(restarted.getState().users.keySet()));
    assertEquals(before, restarted.getState().users);
    assertEquals(appliedAt, restarted.getState().appliedAtMillis);
    var next = new Delivered[] {event("bob", "purchase", NOW.plus(Duration.ofDays(4)), "4", GOOGLE_CPC, 15, "T2")};
    var afterRestart = admit(restarted, next).eventOfType(JourneyBucket.JourneysUpdated.class);
    var withoutRestart = admit(twin, next).eventOfType(JourneyBucket.JourneysUpdated.class);
    assertEquals(withoutRestart, afterRestart);
    assertEquals(List.of("Organic Search", "Email", "Paid Search"), afterRestart.conversions().get(0).path());
  }

  @Test
  void aLateLandingRestatesTheConversionOnceAndTheRestatementReplaysToTheSameJourneys() {
    var settings = JourneyTest.settings(20_000, 2);
    var id = "acme|b" + entities.incrementAndGet();
    var restarted = journey(settings, id);
    var twin = journey(settings);
    var purchase = new Delivered[] {event("ann", "purchase", NOW.plusSeconds(60), "2", null, 30, "T1")};
    var landing = new Delivered[] {pageView("ann", NOW, "2", GOOGLE_CPC)};
    admit(restarted, purchase);
    admit(twin, purchase);

    var restating = admit(restarted, landing).eventOfType(JourneyBucket.JourneysUpdated.class);
    admit(twin, landing);

    assertEquals(List.of("Direct"), restating.conversionsWithdrawn().get(0).path());
    assertEquals(List.of("Paid Search"), restating.conversions().get(0).path());
    assertEquals(restating, testKit.serializationTestKit().verifySerialization(restating, true));
    assertEquals(List.of("Paid Search"), query(restarted, "ann").getValue().conversions().get(0).path());
    var before = new LinkedHashMap<>(restarted.getState().users);
    assertFalse(before.get("ann").recent().isEmpty(), "ann's events are recent");

    restarted.restart();

    assertEquals(before, restarted.getState().users);
    var next = new Delivered[] {pageView("ann", NOW.minusSeconds(600), "1", NEWSLETTER)};
    var afterRestart = admit(restarted, next).eventOfType(JourneyBucket.JourneysUpdated.class);
    assertEquals(admit(twin, next).eventOfType(JourneyBucket.JourneysUpdated.class), afterRestart);
    assertEquals(List.of("Email", "Paid Search"), afterRestart.conversions().get(0).path());
  }

  @Test
  void anOlderJournalOfIdsOnlyStillRecovers() {
    var entityId = "acme|b" + entities.incrementAndGet();
    var kit = journey(JourneyTest.settings(), entityId);
    var old = pageView("ann", NOW, "1", GOOGLE_CPC);
    var seen = new JourneyState.Seen(dev.beacon.event.EventIds.digest(old.event().eventId()), 0, old.offset(), NOW.toEpochMilli());
    kit.persistenceTestKit().persistForRecovery("Journey|" + entityId,
        List.of(new JourneyBucket.IdsRecorded(List.of(seen), NOW.toEpochMilli())));

    kit.restart();

    var retry = admit(kit, new Delivered(old.event(), old.topic(), 0, old.offset() + 100));
    assertEquals(List.of(Verdict.DUPLICATE), retry.reply().getValue().verdicts());
    assertTrue(query(kit, "ann").isError(), "ids only: no journey was kept then");
  }

  @Test
  void theBucketsOfAnOrganisationSpreadOverEveryTag() {
    var used = new java.util.HashSet<String>();
    for (int b = 0; b < 64; b++) {
      var tag = JourneyBucket.tagFor("acme|b" + b);
      assertEquals(tag, JourneyBucket.tagFor("acme|b" + b), "a bucket keeps its tag");
      used.add(tag);
    }

    assertEquals(Set.copyOf(JourneyBucket.TAGS), used);
  }

  @Test
  void aBatchOfEventsWithoutAnyNewIdPersistsNothing() {
    var kit = journey(JourneyTest.settings());
    var view = pageView("ann", NOW, "1", GOOGLE_CPC);
    admit(kit, view);

    var again = admit(kit, view);

    assertTrue(again.hasNoEvents());
    assertInstanceOf(JourneyBucket.UserJourneyView.class, query(kit, "ann").getValue());
    assertEquals(1, query(kit, "ann").getValue().sessions().get(0).events());
  }

  @Test
  void anEventTheJourneyCannotHandleFailsAloneAndTheBucketGoesOn() {
    var kit = journey(JourneyTest.settings());
    var before = pageView("ann", NOW, "1", GOOGLE_CPC);
    // a time no journey can hold (the validator keeps such events out; here it slipped through)
    var poison = new Delivered(new Event("poison", "ga4", "acme", "page_view", null, null, "bob", null, Instant.MAX, 0,
        null, 0, null, null, null, null, null, List.of(), null, null, null), "beacon.events", 0, offset++);
    var after = pageView("cid", NOW.plusSeconds(5), "1", NEWSLETTER);

    var result = admit(kit, before, poison, after);

    var admitted = result.reply().getValue();
    assertEquals(List.of(Verdict.APPLIED, Verdict.FAILED, Verdict.APPLIED), admitted.verdicts());
    assertTrue(admitted.failures().get(1).contains("ArithmeticException"), admitted.failures().toString());
    var persisted = result.eventOfType(JourneyBucket.JourneysUpdated.class);
    assertEquals(2, persisted.seen().size(), "the failed event's id is not recorded");
    assertEquals(List.of("ann", "cid"), persisted.hits().stream().map(Hit::userId).toList());
    // the same poison again fails again (it is not taken for a retry), and the bucket still works
    var retry = admit(kit, new Delivered(poison.event(), "beacon.events", 1, 0), pageView("dee", NOW, "1", null));
    assertEquals(List.of(Verdict.FAILED, Verdict.APPLIED), retry.reply().getValue().verdicts());
    kit.restart();
    assertEquals(1, query(kit, "ann").getValue().sessions().size());
    assertTrue(query(kit, "bob").isError());
  }
}
