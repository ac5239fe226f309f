package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.event.Consent;
import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.privacy.Forgotten;
import dev.beacon.privacy.UserKeys;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.TestKits;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A journey bucket forgetting a user: the journey and the consent go, the others stay; the event
 * that says so names the user by key only; the answer comes once the snapshot after it is saved,
 * with its sequence number; the user's events still on their way build nothing, later ones start a
 * new journey; and a restart from that snapshot knows nothing of the user.
 */
class JourneyForgetTest {
  private static final Instant NOW = Instant.parse("2024-05-10T12:00:00Z");
  private static final Event.TrafficSource CPC = new Event.TrafficSource("google", "cpc", "brand");
  private static final ActorTestKit testKit = ActorTestKit.create("JourneyForgetTest", TestKits.eventSourcedConfig());
  private static final AtomicInteger entities = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final MovableClock clock = new MovableClock(NOW);
  private long offset;

  private Delivered event(String user, String name, Instant at, Consent consent) {
    var event = new Event(user + "/" + name + "/" + at, "ga4", "acme", name, null, null, user, user + ".1", at,
        name.equals("purchase") ? 20_000_000 : 0, "USD", 0, CPC, name.equals("purchase") ? "T-" + at : null,
        null, null, null, List.of(), null, null, consent);
    return new Delivered(event, "beacon.events", 0, offset++);
  }

  private EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> bucket(String entityId) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        JourneyBucket.create(entityId, JourneyTest.settings(), JourneyTest.CHANNELS, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static JourneyBucket.JourneysUpdated admit(
      EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit, Delivered... events) {
    return kit.<StatusReply<JourneyBucket.Admitted>>runCommand(replyTo -> new JourneyBucket.Admit(List.of(events), replyTo))
        .eventOfType(JourneyBucket.JourneysUpdated.class);
  }

  private static boolean known(EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit,
      String user) {
    return kit.<StatusReply<JourneyProfile>>runCommand(replyTo -> new JourneyBucket.GetProfile(user, replyTo)).reply().isSuccess();
  }

  @Test
  void aForgottenUserIsGoneAndTheAnswerComesWithTheSnapshotAfterIt() {
    var entityId = "acme|f" + entities.incrementAndGet();
    var kit = bucket(entityId);
    admit(kit, event("ann", "page_view", NOW, new Consent(true, false)), event("ann", "purchase", NOW.plusSeconds(60), Consent.UNSAID),
        event("bob", "page_view", NOW, Consent.UNSAID));
    var requestedAt = NOW.plusSeconds(120);
    clock.advance(java.time.Duration.ofSeconds(130));

    var result = kit.<StatusReply<Forgotten>>runCommand(replyTo -> new JourneyBucket.Forget("ann", requestedAt.toEpochMilli(), replyTo));

    var event = result.eventOfType(JourneyBucket.UserForgotten.class);
    assertThat(event.userKey()).isEqualTo(UserKeys.key("acme", "ann")).doesNotContain("ann");
    assertThat(event.requestedAtMillis()).isEqualTo(requestedAt.toEpochMilli());
    var forgotten = result.reply().getValue();
    assertThat(forgotten).isEqualTo(new Forgotten("Journey|" + entityId, 2));
    assertThat(result.state().users).containsOnlyKeys("bob");
    assertThat(result.state().consents).isEmpty();
    assertThat(known(kit, "ann")).isFalse();
    assertThat(known(kit, "bob")).isTrue();

    var onItsWay = admit(kit, event("ann", "page_view", NOW.plusSeconds(90), Consent.UNSAID));
    assertThat(onItsWay.hits()).as("an event of before the request").isEmpty();
    assertThat(onItsWay.seen()).as("still recorded: a retry stays a duplicate").hasSize(1);
    assertThat(known(kit, "ann")).isFalse();

    kit.restart();
    assertThat(known(kit, "ann")).isFalse();
    assertThat(known(kit, "bob")).isTrue();
    var after = admit(kit, event("ann", "page_view", NOW.plusSeconds(200), Consent.UNSAID));
    assertThat(after.hits()).as("a later event starts a new journey").extracting(Hit::userId).containsExactly("ann");
    assertThat(known(kit, "ann")).isTrue();
  }

  @Test
  void forgettingAUserTheBucketDoesNotKnowStillSnapshotsSoOldRowsCanGo() {
    var entityId = "acme|f" + entities.incrementAndGet();
    var kit = bucket(entityId);
    admit(kit, event("bob", "page_view", NOW, Consent.UNSAID));

    var result = kit.<StatusReply<Forgotten>>runCommand(replyTo -> new JourneyBucket.Forget("nobody", NOW.toEpochMilli(), replyTo));

    assertThat(result.reply().getValue()).isEqualTo(new Forgotten("Journey|" + entityId, 2));
    assertThat(result.state().users).containsOnlyKeys("bob");
  }

  @Test
  void retentionExpiresTheJourneysNoBatchTouchedSinceTheCutoffAndSnapshots() {
    var entityId = "acme|f" + entities.incrementAndGet();
    var kit = bucket(entityId);
    admit(kit, event("old", "page_view", NOW, new Consent(false, null)), event("old", "page_view", NOW, Consent.UNSAID),
        event("old2", "page_view", NOW, Consent.UNSAID));
    clock.advance(java.time.Duration.ofDays(3));
    admit(kit, event("new", "page_view", NOW.plusSeconds(5), new Consent(true, false)));
    var before = kit.<JourneyBucket.PrivacyCounts>runCommand(JourneyBucket.GetPrivacyCounts::new).reply();
    assertThat(before).isEqualTo(new JourneyBucket.PrivacyCounts(2, 2, 1, 1));

    var result = kit.<StatusReply<Forgotten>>runCommand(replyTo ->
        new JourneyBucket.Expire(NOW.plus(java.time.Duration.ofDays(1)).toEpochMilli(), replyTo));

    assertThat(result.reply().getValue()).isEqualTo(new Forgotten("Journey|" + entityId, 3));
    assertThat(result.state().users).containsOnlyKeys("new");
    assertThat(result.state().consents).containsOnlyKeys("new");
    kit.restart();
    assertThat(known(kit, "old2")).isFalse();
    assertThat(known(kit, "new")).isTrue();
    assertThat(kit.<JourneyBucket.PrivacyCounts>runCommand(JourneyBucket.GetPrivacyCounts::new).reply())
        .isEqualTo(new JourneyBucket.PrivacyCounts(1, 1, 0, 1));
  }
}
