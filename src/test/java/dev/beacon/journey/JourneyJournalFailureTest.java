package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.testing.TestKits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A journey bucket whose journal write fails restarts (with backoff) and recovers from the
 * journal alone: the failed events are admitted when delivered again, and the journeys are what
 * a bucket without the failure holds.
 */
class JourneyJournalFailureTest {
  static final Instant NOW = Instant.parse("2024-05-10T12:00:00Z");
  private static final ActorTestKit testKit = ActorTestKit.create("JourneyJournalFailureTest", TestKits.eventSourcedConfig());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Delivered pageView(String user, Instant at, long offset) {
    var event = new Event(user + "/" + at, "ga4", "acme", "page_view", null, null, user, user + ".1", at,
        0, "USD", 0, new Event.TrafficSource("google", "cpc", "brand"), null, null, null, null, List.of(), null, null, null);
    return new Delivered(event, "beacon.events", 0, offset);
  }

  private static ActorRef<JourneyBucket.Command> bucket(String entityId) {
    return testKit.spawn(JourneyBucket.create(entityId, JourneyTest.settings(), JourneyTest.CHANNELS, Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  @Test
  void aFailedWriteThenTheRedeliveryAdmitsTheEventsOnce() {
    var journal = PersistenceTestKit.create(testKit.system());
    var failing = bucket("acme|journal-failure");
    var clean = bucket("acme|no-failure");
    var first = pageView("ann", NOW, 0);
    var second = pageView("ann", NOW.plusSeconds(10), 1);
    var admitted = testKit.<StatusReply<JourneyBucket.Admitted>>createTestProbe();

    failing.tell(new JourneyBucket.Admit(List.of(first), admitted.ref()));
    admitted.receiveMessage();
    journal.failNextPersisted();
    failing.tell(new JourneyBucket.Admit(List.of(second), admitted.ref()));
    admitted.expectNoMessage(Duration.ofMillis(300));
    // the stream's retry after the failed batch: the same record again
    failing.tell(new JourneyBucket.Admit(List.of(second), admitted.ref()));
    assertThat(admitted.receiveMessage(Duration.ofSeconds(5)).getValue().verdicts()).containsExactly(dev.beacon.event.Verdict.APPLIED);
    assertThat(journal.persistedInStorage("Journey|acme|journal-failure")).hasSize(2);

    clean.tell(new JourneyBucket.Admit(List.of(first), admitted.ref()));
    clean.tell(new JourneyBucket.Admit(List.of(second), admitted.ref()));
    admitted.receiveSeveralMessages(2);
    var views = testKit.<StatusReply<JourneyBucket.UserJourneyView>>createTestProbe();
    failing.tell(new JourneyBucket.GetUserJourney("ann", views.ref()));
    var afterFailure = views.receiveMessage().getValue();
    clean.tell(new JourneyBucket.GetUserJourney("ann", views.ref()));
    assertThat(afterFailure).isEqualTo(views.receiveMessage().getValue());
    assertThat(afterFailure.sessions().get(0).pageViews()).isEqualTo(2);
  }
}
