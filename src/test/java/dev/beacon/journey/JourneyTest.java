package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.event.EventIds;
import dev.beacon.event.EventType;
import dev.beacon.event.Verdict;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.TestKits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The per-user dedup window: {@link JourneyState} on its own, then the {@link JourneyBucket} entity. */
class JourneyTest {
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  static final String TOPIC = "beacon.events";
  static final Duration WINDOW = Duration.ofHours(72);
  static final ChannelGrouping CHANNELS = ChannelGrouping.load();

  private static final ActorTestKit testKit = ActorTestKit.create("JourneyTest", TestKits.eventSourcedConfig());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static JourneySettings settings() {
    return JourneySettings.from(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey"));
  }

  static JourneySettings settings(int dedupMaxIds, int snapshotEvery) {
    return JourneySettings.from(ConfigFactory.parseString("dedup-max-ids = " + dedupMaxIds + ", snapshot-every = " + snapshotEvery)
        .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey")));
  }

  static Delivered delivered(String eventId, int partition, long offset) {
    var event = new Event(eventId, "campaign", "acme", "click", EventType.CLICK, "spring-sale", "user-1", "s-1",
        NOW, 0, null, 0, null, null, null, null, null, List.of(), null, null, null);
    return new Delivered(event, TOPIC, partition, offset);
  }

  /** The ids of the deliveries judged retries of an event counted from another delivery. */
  static Set<String> duplicateIds(List<Delivered> events, List<Verdict> verdicts) {
    var ids = new java.util.HashSet<String>();
    for (int i = 0; i < events.size(); i++) if (verdicts.get(i) == Verdict.DUPLICATE) ids.add(events.get(i).event().eventId());
    return ids;
  }

  @Test
  void theShippedDedupWindowIs72Hours() {
    assertEquals(WINDOW, settings().dedupWindow());
  }

  @Nested
  class State {
    private final JourneyState state = new JourneyState();

    /** Admits and records as the entity does; returns the ids refused as retries. */
    private Set<String> admit(Instant now, JourneySettings settings, Delivered... events) {
      var admission = state.admit(List.of(events), now.toEpochMilli(), settings);
      state.record(admission.toRecord(), now.toEpochMilli(), settings);
      return duplicateIds(List.of(events), List.of(admission.verdicts()));
    }

    @Test
    void aHitTheLogicThrowsOnIsLeftOutAndTheOtherUsersAreStillPlanned() {
      var settings = settings();
      var logic = new JourneyLogic(settings) {
        @Override
        UserJourney apply(String userId, UserJourney before, List<Hit> hits, Facts facts) {
          if (hits.stream().anyMatch(h -> h.name().equals("boom"))) throw new IllegalStateException("boom");
          return super.apply(userId, before, hits, facts);
        }
      };
      var hits = List.of(hit("ann", "page_view"), hit("bob", "page_view"), hit("bob", "boom"), hit("bob", "page_view"),
          hit("cy", "page_view"));
      var failed = new java.util.HashSet<Integer>();

      var update = state.planSafely(hits, logic, 0, failed);

      assertEquals(Set.of(2), failed);
      assertEquals(Set.of("ann", "bob", "cy"), update.users().keySet());
      assertEquals(2, update.users().get("bob").sessions().get(0).events(), "bob's other hits are planned");
    }

    private Hit hit(String user, String name) {
      return new Hit(user, name, NOW.toEpochMilli(), "s-" + user, "Direct", null, 0, 0, null, false, null);
    }

    @Test
    void aNewIdIsAdmittedAndRecordedWithItsPosition() {
      var admissionEvents = List.of(delivered("e1", 2, 40));
      var admission = state.admit(admissionEvents, NOW.toEpochMilli(), settings());

      assertTrue(duplicateIds(admissionEvents, List.of(admission.verdicts())).isEmpty());
      assertEquals(List.of(new JourneyState.Seen(EventIds.digest("e1"), 2, 40, NOW.toEpochMilli())), admission.toRecord());
      assertTrue(state.recentIds.isEmpty(), "admit decides; only record changes the state");
    }

    @Test
    void anIdSeenAtAnotherOffsetWithinTheWindowIsADuplicate() {
      admit(NOW, settings(), delivered("e1", 0, 5));

      var admissionEvents = List.of(delivered("e1", 0, 9));
      var admission = state.admit(admissionEvents, NOW.plusSeconds(60).toEpochMilli(), settings());

      assertEquals(Set.of("e1"), duplicateIds(admissionEvents, List.of(admission.verdicts())));
      assertTrue(admission.toRecord().isEmpty());
    }

    @Test
    void anIdSeenAtAnotherPartitionIsADuplicate() {
      admit(NOW, settings(), delivered("e1", 0, 5));

      assertEquals(Set.of("e1"), admit(NOW.plusSeconds(1), settings(), delivered("e1", 1, 5)));
    }

    @Test
    void anIdSeenAtTheSamePartitionAndOffsetIsARedeliveryAndAdmittedAgain() {
      admit(NOW, settings(), delivered("e1", 3, 77));

      var admissionEvents = List.of(delivered("e1", 3, 77));
      var admission = state.admit(admissionEvents, NOW.plusSeconds(60).toEpochMilli(), settings());

      assertTrue(duplicateIds(admissionEvents, List.of(admission.verdicts())).isEmpty());
      assertTrue(admission.toRecord().isEmpty(), "the position is already recorded");
    }

    @Test
    void theSameIdTwiceInOneBatchIsADuplicateTheSecondTime() {
      var admissionEvents = List.of(delivered("e1", 0, 1), delivered("e2", 0, 2), delivered("e1", 0, 3));
      var admission = state.admit(admissionEvents, NOW.toEpochMilli(), settings());

      assertEquals(List.of(Verdict.APPLIED, Verdict.APPLIED, Verdict.DUPLICATE), List.of(admission.verdicts()));
      assertEquals(Set.of("e1"), duplicateIds(admissionEvents, List.of(admission.verdicts())));
      assertEquals(List.of(1L, 2L), admission.toRecord().stream().map(JourneyState.Seen::offset).toList());
    }

    @Test
    void onlyTheRetriesOfAMixedBatchAreDuplicates() {
      admit(NOW, settings(), delivered("old", 0, 1), delivered("redelivered", 0, 2));

      var duplicates = admit(NOW.plusSeconds(5), settings(),
          delivered("redelivered", 0, 2), delivered("old", 0, 3), delivered("new", 0, 4));

      assertEquals(Set.of("old"), duplicates);
      assertTrue(state.recentIds.containsKey(EventIds.digest("new")));
    }

    @Test
    void anIdIsADuplicateUpToTheEndOfTheWindowAndAdmittedAfter() {
      admit(NOW, settings(), delivered("e1", 0, 1));

      var atEdgeEvents = List.of(delivered("e1", 0, 2));
      var atEdge = state.admit(atEdgeEvents, NOW.plus(WINDOW).toEpochMilli(), settings());
      var pastEvents = List.of(delivered("e1", 0, 2));
      var past = state.admit(pastEvents, NOW.plus(WINDOW).plusMillis(1).toEpochMilli(), settings());

      assertEquals(Set.of("e1"), duplicateIds(atEdgeEvents, List.of(atEdge.verdicts())));
      assertTrue(duplicateIds(pastEvents, List.of(past.verdicts())).isEmpty());
      assertEquals(1, past.toRecord().size());
    }

    @Test
    void idsOlderThanTheWindowAreForgotten() {
      admit(NOW, settings(), delivered("a", 0, 1));
      admit(NOW.plus(Duration.ofHours(10)), settings(), delivered("b", 0, 2));
      // "a" comes back after its window: admitted, and kept from its new time
      assertTrue(admit(NOW.plus(WINDOW).plusMillis(1), settings(), delivered("a", 0, 3)).isEmpty());

      admit(NOW.plus(WINDOW).plus(Duration.ofHours(10)).plusMillis(1), settings(), delivered("c", 0, 4));

      assertFalse(state.recentIds.containsKey(EventIds.digest("b")), "b was recorded more than 72 h ago");
      assertTrue(state.recentIds.containsKey(EventIds.digest("a")));
      assertTrue(state.recentIds.containsKey(EventIds.digest("c")));
    }

    @Test
    void atMostDedupMaxIdsAreKept() {
      var settings = settings(3, 100);
      for (int i = 0; i < 10; i++) {
        admit(NOW.plusSeconds(i), settings, delivered("e" + i, 0, i), delivered("f" + i, 1, i));
        assertTrue(state.recentIds.size() <= 3, () -> "recent ids: " + state.recentIds.size());
      }

      assertEquals(Set.of("f9"), admit(NOW.plusSeconds(20), settings, delivered("f9", 0, 99)));
      assertTrue(admit(NOW.plusSeconds(21), settings, delivered("e0", 0, 100)).isEmpty(), "e0 was evicted");
    }

    @Test
    void aCopyDoesNotChangeWhenTheStateGoesOn() {
      admit(NOW, settings(), delivered("a", 0, 1));
      var copy = state.copy();

      admit(NOW.plusSeconds(1), settings(), delivered("b", 0, 2));

      assertEquals(1, copy.recentIds.size());
      assertEquals(2, state.recentIds.size());
    }
  }

  @Nested
  class Entity {
    private static final AtomicInteger users = new AtomicInteger();
    private final MovableClock clock = new MovableClock(NOW);
    private String persistenceId;

    private EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> journey(JourneySettings settings) {
      var entityId = JourneyBuckets.bucketEntityId("acme", users.incrementAndGet());
      persistenceId = "Journey|" + entityId;
      return EventSourcedBehaviorTestKit.create(testKit.system(), JourneyBucket.create(entityId, settings, CHANNELS, clock),
          EventSourcedBehaviorTestKit.enabledSerializationSettings());
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<JourneyBucket.Command, JourneyBucket.Event, JourneyState,
        StatusReply<JourneyBucket.Admitted>> admit(EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit,
        Delivered... events) {
      return kit.runCommand(replyTo -> new JourneyBucket.Admit(List.of(events), replyTo));
    }

    private Set<String> duplicates(EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit,
        Delivered... events) {
      return duplicateIds(List.of(events), admit(kit, events).reply().getValue().verdicts());
    }

    @Test
    void admittingNewIdsPersistsWhereAndWhenTheyWereSeen() {
      var kit = journey(settings());

      var result = admit(kit, delivered("e1", 0, 10), delivered("e2", 4, 11));

      assertEquals(List.of(Verdict.APPLIED, Verdict.APPLIED), result.reply().getValue().verdicts());
      var recorded = result.eventOfType(JourneyBucket.JourneysUpdated.class);
      assertEquals(NOW.toEpochMilli(), recorded.appliedAtMillis());
      // the second is the user's click on the same campaign at once: flagged, and its flag kept with its id
      assertEquals(List.of(new JourneyState.Seen(EventIds.digest("e1"), 0, 10, NOW.toEpochMilli()),
          new JourneyState.Seen(EventIds.digest("e2"), 4, 11, NOW.toEpochMilli(), InvalidTraffic.SIVT_REPEATED_CLICK)),
          recorded.seen());
    }

    @Test
    void withTrackingOffOnlyTheIdsArePersistedAndRetriesAreStillRefused() {
      var off = JourneySettings.from(ConfigFactory.parseString("tracking = off")
          .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey")));
      var kit = journey(off);

      var first = admit(kit, delivered("e1", 0, 10));
      var recorded = first.eventOfType(JourneyBucket.IdsRecorded.class);
      assertEquals(List.of(new JourneyState.Seen(EventIds.digest("e1"), 0, 10, NOW.toEpochMilli())), recorded.seen());
      assertEquals(Set.of("e1"), duplicates(kit, delivered("e1", 0, 11)));
      var journey = kit.<StatusReply<JourneyBucket.UserJourneyView>>runCommand(replyTo -> new JourneyBucket.GetUserJourney("user-1", replyTo));
      assertTrue(journey.reply().isError(), "no journey is kept with tracking off");
    }

    @Test
    void aRetryAtAnotherPositionIsRefusedAndPersistsNothing() {
      var kit = journey(settings());
      admit(kit, delivered("e1", 0, 10));
      clock.advance(Duration.ofHours(71));

      var retry = admit(kit, delivered("e1", 0, 25));

      assertEquals(List.of(Verdict.DUPLICATE), retry.reply().getValue().verdicts());
      assertTrue(retry.hasNoEvents());
    }

    @Test
    void aRedeliveryAtTheSamePositionIsAdmittedAndPersistsNothing() {
      var kit = journey(settings());
      admit(kit, delivered("e1", 0, 10));

      var redelivery = admit(kit, delivered("e1", 0, 10));

      assertEquals(List.of(Verdict.REDELIVERED), redelivery.reply().getValue().verdicts());
      assertTrue(redelivery.hasNoEvents());
    }

    @Test
    void anIdIsAdmittedAgainOnceItsWindowHasPassed() {
      var kit = journey(settings());
      admit(kit, delivered("e1", 0, 10));
      clock.advance(WINDOW.plusMillis(1));

      var later = admit(kit, delivered("e1", 0, 99));

      assertEquals(List.of(Verdict.APPLIED), later.reply().getValue().verdicts());
      assertEquals(1, later.eventOfType(JourneyBucket.JourneysUpdated.class).seen().size());
    }

    @Test
    void aRestartFromSnapshotAndEventsStillRecognisesRetriesAndRedeliveries() {
      var kit = journey(settings(100, 2));
      for (int i = 0; i < 5; i++) {
        admit(kit, delivered("e" + i, 0, i));
        clock.advance(Duration.ofMinutes(1));
      }
      var snapshots = kit.snapshotTestKit().orElseThrow();
      var first = snapshots.expectNextPersistedClass(persistenceId, JourneyState.class);
      snapshots.expectNextPersistedClass(persistenceId, JourneyState.class);

      kit.restart();
      kit.restart();

      assertEquals(2, first.recentIds.size(), "the first snapshot holds the ids as they were then");
      assertEquals(5, kit.getState().recentIds.size());
      for (int i = 0; i < 5; i++) {
        assertEquals(Set.of("e" + i), duplicates(kit, delivered("e" + i, 1, 100 + i)));
        assertEquals(Set.of(), duplicates(kit, delivered("e" + i, 0, i)));
      }
    }
  }
}
