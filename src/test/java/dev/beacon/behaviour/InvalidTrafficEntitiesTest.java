package dev.beacon.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignBatchPart;
import dev.beacon.campaign.CampaignMetrics;
import dev.beacon.campaign.CampaignSettings;
import dev.beacon.event.Consent;
import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.event.EventType;
import dev.beacon.event.Verdict;
import dev.beacon.journey.JourneyBucket;
import dev.beacon.journey.JourneyBuckets;
import dev.beacon.journey.JourneySettings;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.TestKits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A bot's click and purchase through the real journey bucket and campaign, handed on as the ingest
 * hands them (the journey's flags to the campaign): counted raw, not valid, and no attribution
 * credit; a redelivery gets the flag it was given, so a campaign that had not counted the batch yet
 * counts it the same.
 */
class InvalidTrafficEntitiesTest {
  private static final ActorTestKit testKit = ActorTestKit.create("InvalidTrafficEntitiesTest", TestKits.eventSourcedConfig());
  private static final Config BEACON = ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon");
  private static final Config BEHAVIOUR_OFF = ConfigFactory.parseString("beacon.behaviour.enabled = off")
      .withFallback(ConfigFactory.parseResources("application.conf")).resolve().getConfig("beacon");
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";
  private static int entities;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Event event(String id, String name, EventType type, String user, Instant at, long valueMicros,
      String userAgent) {
    return new Event(id, "campaign", "acme", name, type, "spring", user, user + "-s1", at, valueMicros, "EUR", 0,
        new Event.TrafficSource("google", "cpc", "spring"), name.equals("purchase") ? id : null, "desktop", null, null,
        List.of(), userAgent, "198.51.100.7", Consent.UNSAID);
  }

  /** Each user clicks the campaign's ad, then buys a minute later. */
  private static List<Delivered> batch() {
    var events = List.of(
        event("e1", "click", EventType.CLICK, "bot", NOW, 500_000, GOOGLEBOT),
        event("e2", "click", EventType.CLICK, "human", NOW, 500_000, BROWSER),
        event("e3", "purchase", EventType.CONVERSION, "bot", NOW.plusSeconds(60), 80_000_000, GOOGLEBOT),
        event("e4", "purchase", EventType.CONVERSION, "human", NOW.plusSeconds(60), 40_000_000, BROWSER));
    var delivered = new ArrayList<Delivered>();
    for (int i = 0; i < events.size(); i++) delivered.add(new Delivered(events.get(i), "beacon.events", 0, 100 + i));
    return delivered;
  }

  private static EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, ?> journey() {
    return journey(BEACON);
  }

  private static EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, ?> journey(Config beacon) {
    var settings = JourneySettings.from(beacon.getConfig("journey"));
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        JourneyBucket.create(JourneyBuckets.bucketEntityId("acme", ++entities), settings, ChannelGrouping.load(),
            new MovableClock(NOW.plusSeconds(120))), EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, ?> campaign() {
    return campaign(BEACON);
  }

  private static EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, ?> campaign(Config beacon) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        Campaign.create(Campaign.entityId("acme", "spring-" + ++entities), CampaignSettings.from(beacon.getConfig("campaign")),
            new MovableClock(NOW.plusSeconds(120))), EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static JourneyBucket.Admitted admit(EventSourcedBehaviorTestKit<JourneyBucket.Command, JourneyBucket.Event, ?> kit,
      List<Delivered> batch) {
    return kit.<StatusReply<JourneyBucket.Admitted>>runCommand(replyTo -> new JourneyBucket.Admit(batch, replyTo))
        .reply().getValue();
  }

  /** The campaign's share with the journey's flags, as {@link CampaignBatchPart} sends it. */
  private static CampaignMetrics count(EventSourcedBehaviorTestKit<Campaign.Command, Campaign.Event, ?> kit,
      List<Delivered> batch, JourneyBucket.Admitted admitted) {
    var flags = new ArrayList<InvalidTraffic>();
    for (int i = 0; i < batch.size(); i++) flags.add(admitted.flags().get(i));
    kit.<StatusReply<Campaign.Applied>>runCommand(replyTo -> new Campaign.Apply(batch,
        CampaignBatchPart.notCounted(admitted.verdicts()), CampaignBatchPart.flagged(flags), replyTo));
    return kit.<StatusReply<CampaignMetrics>>runCommand(replyTo -> new Campaign.GetMetrics(null, replyTo)).reply().getValue();
  }

  @Test
  void aBotClickCountsRawNotValidAndEarnsNoCredit() {
    var journey = journey();
    var batch = batch();
    var admitted = admit(journey, batch);

    assertThat(admitted.flags()).isEqualTo(Map.of(0, InvalidTraffic.GIVT_KNOWN_BOT, 2, InvalidTraffic.GIVT_KNOWN_BOT));
    var metrics = count(campaign(), batch, admitted);
    assertThat(metrics.clicks()).as("raw").isEqualTo(2);
    assertThat(metrics.validClicks()).isEqualTo(1);
    assertThat(metrics.conversions()).isEqualTo(2);
    assertThat(metrics.validConversions()).isEqualTo(1);
    assertThat(metrics.invalidEvents()).isEqualTo(2);
    assertThat(metrics.invalidTrafficRate()).isEqualTo(50.0);

    var human = journey.<StatusReply<JourneyBucket.UserJourneyView>>runCommand(
        replyTo -> new JourneyBucket.GetUserJourney("human", replyTo)).reply().getValue();
    assertThat(human.conversions()).hasSize(1);
    assertThat(human.conversions().get(0).credits().get("last_click")).allSatisfy(c -> assertThat(c.campaign()).isEqualTo("spring"));
    var bot = journey.<StatusReply<JourneyBucket.UserJourneyView>>runCommand(
        replyTo -> new JourneyBucket.GetUserJourney("bot", replyTo)).reply();
    assertThat(bot.getValue().conversions()).as("the bot's purchase is no conversion").isEmpty();
    assertThat(bot.getValue().touchpoints()).as("nor its click a touchpoint").isEmpty();
    assertThat(bot.getValue().profile().purchases()).isZero();
  }

  @Test
  void withBehaviourOffNothingIsFlaggedAndNoEngagementIsScored() {
    var scored = journey();
    admit(scored, batch());
    var off = journey(BEHAVIOUR_OFF);
    var batch = batch();
    var admitted = admit(off, batch);

    assertThat(admitted.flags()).isEmpty();
    var metrics = count(campaign(BEHAVIOUR_OFF), batch, admitted);
    assertThat(metrics.validClicks()).isEqualTo(2);
    assertThat(metrics.invalidEvents()).isZero();
    var bot = off.<StatusReply<JourneyBucket.UserJourneyView>>runCommand(
        replyTo -> new JourneyBucket.GetUserJourney("bot", replyTo)).reply().getValue();
    assertThat(bot.conversions()).as("the bot's purchase counts").hasSize(1);
    assertThat(bot.engagementScore()).isZero();
    var human = scored.<StatusReply<JourneyBucket.UserJourneyView>>runCommand(
        replyTo -> new JourneyBucket.GetUserJourney("human", replyTo)).reply().getValue();
    assertThat(human.engagementScore()).as("with behaviour on, the same events score").isPositive();
  }

  @Test
  void aRedeliveredBatchCarriesTheFlagsItWasGiven() {
    var journey = journey();
    var batch = batch();
    var first = admit(journey, batch);
    var again = admit(journey, batch);

    assertThat(again.verdicts()).containsOnly(Verdict.REDELIVERED);
    assertThat(again.flags()).isEqualTo(first.flags());
    // the campaign had not counted the batch when it failed: the redelivery counts it, flagged the same
    var metrics = count(campaign(), batch, again);
    assertThat(metrics.validClicks()).isEqualTo(1);
    assertThat(metrics.invalidEvents()).isEqualTo(2);
  }

  @Test
  void aCampaignFlagsTheEventsWithoutAUserItself() {
    var kit = campaign();
    var noUser = new Event("n1", "campaign", "acme", "impression", EventType.IMPRESSION, "spring", null, null, NOW, 1_000,
        "EUR", 0, null, null, null, null, null, List.of(), "curl/8.5.0", null, Consent.UNSAID);
    var browser = new Event("n2", "campaign", "acme", "impression", EventType.IMPRESSION, "spring", null, null, NOW, 1_000,
        "EUR", 0, null, null, null, null, null, List.of(), BROWSER, null, Consent.UNSAID);
    var batch = List.of(new Delivered(noUser, "beacon.events", 1, 7), new Delivered(browser, "beacon.events", 1, 8));
    kit.<StatusReply<Campaign.Applied>>runCommand(replyTo -> new Campaign.Apply(batch, Set.of(), replyTo));
    var metrics = kit.<StatusReply<CampaignMetrics>>runCommand(replyTo -> new Campaign.GetMetrics(null, replyTo))
        .reply().getValue();
    assertThat(metrics.impressions()).isEqualTo(2);
    assertThat(metrics.validImpressions()).isEqualTo(1);
    // replayed from its journal, the campaign reads the flag it persisted
    kit.restart();
    var replayed = kit.<StatusReply<CampaignMetrics>>runCommand(replyTo -> new Campaign.GetMetrics(null, replyTo))
        .reply().getValue();
    assertThat(replayed.validImpressions()).isEqualTo(1);
  }
}
