package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.beacon.event.Consent;
import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.event.Verdict;
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
 * Consent in the journey bucket: an event of a user without analytics consent is admitted (its
 * campaign counts it, a retry of it is still a duplicate) but builds no journey, no path, no feed
 * row and no conversion to learn from; what the events say is kept per user, a purpose not said
 * keeps its last choice, and it survives recovery. The profile carries both purposes.
 */
class JourneyConsentTest {
  private static final Instant NOW = Instant.parse("2024-05-10T12:00:00Z");
  private static final Event.TrafficSource CPC = new Event.TrafficSource("google", "cpc", "brand");
  private static final ActorTestKit testKit = ActorTestKit.create("JourneyConsentTest", TestKits.eventSourcedConfig());
  private static final AtomicInteger entities = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final MovableClock clock = new MovableClock(NOW);
  private long offset;

  private EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> bucket(JourneySettings settings) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        JourneyBucket.create("acme|c" + entities.incrementAndGet(), settings, JourneyTest.CHANNELS, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private Delivered event(String user, String name, int minute, Consent consent) {
    var at = NOW.plusSeconds(60L * minute);
    var event = new Event(user + "/" + name + "/" + minute, "ga4", "acme", name, null, null, user, user + ".1", at,
        name.equals("purchase") ? 50_000_000 : 0, "USD", 0, CPC, name.equals("purchase") ? "T-" + user + minute : null,
        null, null, null, List.of(), null, null, consent);
    return new Delivered(event, "beacon.events", 0, offset++);
  }

  private static JourneyBucket.JourneysUpdated admit(
      EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit, Delivered... events) {
    return kit.<StatusReply<JourneyBucket.Admitted>>runCommand(replyTo -> new JourneyBucket.Admit(List.of(events), replyTo))
        .eventOfType(JourneyBucket.JourneysUpdated.class);
  }

  private static List<Verdict> verdicts(
      EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit, Delivered... events) {
    return kit.<StatusReply<JourneyBucket.Admitted>>runCommand(replyTo -> new JourneyBucket.Admit(List.of(events), replyTo))
        .reply().getValue().verdicts();
  }

  private static StatusReply<JourneyProfile> profile(
      EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit, String user) {
    return kit.<StatusReply<JourneyProfile>>runCommand(replyTo -> new JourneyBucket.GetProfile(user, replyTo)).reply();
  }

  private static StatusReply<JourneyBucket.UserJourneyView> journey(
      EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, JourneyState> kit, String user) {
    return kit.<StatusReply<JourneyBucket.UserJourneyView>>runCommand(replyTo -> new JourneyBucket.GetUserJourney(user, replyTo)).reply();
  }

  @Test
  void withoutAnalyticsConsentAnEventIsAdmittedButBuildsNoJourney() {
    var kit = bucket(JourneyTest.settings());
    var denied = new Consent(false, null);
    var view = event("ann", "page_view", 0, denied);
    var purchase = event("ann", "purchase", 1, Consent.UNSAID);

    var updated = admit(kit, view, purchase, event("bob", "purchase", 2, Consent.UNSAID));

    assertThat(updated.seen()).as("every event's id is recorded: retries stay duplicates").hasSize(3);
    assertThat(updated.hits()).extracting(Hit::userId).containsExactly("bob");
    assertThat(updated.conversions()).extracting(Conversion::userId).containsExactly("bob");
    assertThat(updated.feed()).extracting(FeedItem::userId).containsExactly("bob");
    assertThat(updated.consents()).containsExactly(new JourneyState.ConsentKept("ann", denied));
    assertThat(journey(kit, "ann").isError()).as("no journey of ann").isTrue();
    var ann = profile(kit, "ann").getValue();
    assertThat(ann.analyticsConsent()).isFalse();
    assertThat(ann.adPersonalizationConsent()).as("not said: the default").isTrue();
    assertThat(ann.purchases()).isZero();
    assertThat(verdicts(kit, new Delivered(purchase.event(), "beacon.events", 0, offset++)))
        .as("a retry of an event without a journey").containsExactly(Verdict.DUPLICATE);
  }

  @Test
  void aPurposeNotSaidKeepsItsLastChoiceAndGrantingAgainStartsTheJourney() {
    var kit = bucket(JourneyTest.settings());

    admit(kit, event("ann", "page_view", 0, new Consent(false, false)));
    var later = admit(kit, event("ann", "page_view", 1, new Consent(null, true)), event("ann", "page_view", 2, Consent.UNSAID));
    assertThat(later.hits()).as("analytics still denied").isEmpty();
    assertThat(later.consents()).containsExactly(new JourneyState.ConsentKept("ann", new Consent(false, true)));

    var granted = admit(kit, event("ann", "page_view", 3, new Consent(true, null)), event("ann", "purchase", 4, Consent.UNSAID));
    assertThat(granted.hits()).hasSize(2);
    var profile = profile(kit, "ann").getValue();
    assertThat(profile.analyticsConsent()).isTrue();
    assertThat(profile.adPersonalizationConsent()).isTrue();
    assertThat(profile.purchases()).isEqualTo(1);
  }

  @Test
  void consentSurvivesRecoveryAndTheDefaultsComeFromConfig() {
    var deniedByDefault = JourneySettings.from(ConfigFactory.parseString("consent-by-default.ad-personalization = denied")
        .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey")));
    var kit = bucket(deniedByDefault);

    admit(kit, event("ann", "page_view", 0, Consent.UNSAID), event("bob", "page_view", 0, new Consent(null, true)));
    kit.restart();

    assertThat(profile(kit, "ann").getValue().adPersonalizationConsent()).isFalse();
    assertThat(profile(kit, "bob").getValue().adPersonalizationConsent()).isTrue();
    assertThat(profile(kit, "bob").getValue().analyticsConsent()).isTrue();
  }

  @Test
  void aDefaultOtherThanGrantedOrDeniedStopsTheStart() {
    var config = ConfigFactory.parseString("consent-by-default.analytics = maybe")
        .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JourneySettings.from(config))
        .hasMessage("beacon.journey.consent-by-default.analytics: granted or denied, not 'maybe'");
  }
}
