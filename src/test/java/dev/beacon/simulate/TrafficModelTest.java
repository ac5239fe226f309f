package dev.beacon.simulate;

import static dev.beacon.simulate.SimulationFixtures.START;
import static dev.beacon.simulate.SimulationFixtures.draw;
import static dev.beacon.simulate.SimulationFixtures.json;
import static dev.beacon.simulate.SimulationFixtures.model;
import static dev.beacon.simulate.SimulationFixtures.parseAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.beacon.event.Event;
import dev.beacon.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TrafficModelTest {

  private static final Instant LATER = START.plus(Duration.ofHours(1));

  @Test
  void sameSeedAndOptionsGiveByteIdenticalEvents() {
    var first = draw(model(7, TrafficMix.DEFAULT), 3_000, 25);
    var second = draw(model(7, TrafficMix.DEFAULT), 3_000, 25);
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i).key()).isEqualTo(first.get(i).key());
      assertThat(second.get(i).json()).as("event %d", i).isEqualTo(first.get(i).json());
      assertThat(second.get(i).time()).isEqualTo(first.get(i).time());
    }
    var journey = model(7, TrafficMix.DEFAULT).journey(LATER);
    var again = model(7, TrafficMix.DEFAULT).journey(LATER);
    assertThat(again.stream().map(SimulatedEvent::text)).containsExactlyElementsOf(journey.stream().map(SimulatedEvent::text).toList());
  }

  @Test
  void anotherSeedGivesOtherTraffic() {
    var first = draw(model(7, TrafficMix.DEFAULT), 200, 25).stream().map(SimulatedEvent::text).toList();
    var other = draw(model(8, TrafficMix.DEFAULT), 200, 25).stream().map(SimulatedEvent::text).toList();
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void aRerunWithTheSameSeedGetsFreshEventIds() {
    var first = new TrafficModel(SimulationFixtures.ORGANIZATIONS, TrafficMix.DEFAULT, 500, 40, 7, START);
    var rerunStart = START.plusSeconds(60);
    var rerun = new TrafficModel(SimulationFixtures.ORGANIZATIONS, TrafficMix.DEFAULT, 500, 40, 7, rerunStart);
    var firstIds = parseAll(draw(first, 500, 25), LATER).stream().map(Event::eventId).collect(Collectors.toSet());
    var rerunIds = parseAll(draw(rerun, 500, 25, rerunStart), LATER).stream().map(Event::eventId).collect(Collectors.toSet());
    assertThat(rerunIds).doesNotContainAnyElementsOf(firstIds);
  }

  static List<TrafficMix> mixes() {
    return List.of(TrafficMix.DEFAULT, new TrafficMix(1, 0, 0, 0), new TrafficMix(0, 1, 0, 0),
        new TrafficMix(0.2, 0.1, 0.4, 0.05), new TrafficMix(0, 0, 0, 0), new TrafficMix(0.5, 0.3, 0.2, 0.5));
  }

  @ParameterizedTest
  @MethodSource("mixes")
  void everyGeneratedEventParsesAsValid(TrafficMix mix) {
    var events = draw(model(11, mix), 5_000, 40);
    var parsed = parseAll(events, LATER);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).key()).isEqualTo(parsed.get(i).partitionKey());
      assertThat(events.get(i).time()).isEqualTo(parsed.get(i).timestamp());
    }
    assertThat(parsed).extracting(Event::format).contains("campaign", "ga4");
    assertThat(parsed).extracting(Event::organizationId).containsOnly("acme", "globex.eu");
  }

  @Test
  void eventsAreNeverStampedBeforeTheClockNorFarAfterIt() {
    var model = model(3, TrafficMix.DEFAULT);
    for (int i = 0; i < 5_000; i++) {
      var now = START.plusMillis(i * 10L);
      var event = model.next(now);
      assertThat(event.time()).isBetween(now, now.plusSeconds(5));
    }
  }

  @Test
  void eachSessionFollowsTheFunnelInOrder() {
    var events = parseAll(draw(model(5, TrafficMix.DEFAULT), 20_000, 50), LATER);
    var sessions = new LinkedHashMap<String, List<Event>>();
    events.forEach(e -> sessions.computeIfAbsent(e.organizationId() + "|" + e.sessionId(), k -> new ArrayList<>()).add(e));
    var purchases = 0;
    for (var session : sessions.values()) {
      for (int i = 1; i < session.size(); i++) {
        assertThat(session.get(i).timestamp()).isAfter(session.get(i - 1).timestamp());
      }
      var names = session.stream().map(Event::name).toList();
      if (names.contains("click")) assertThat(names.indexOf("impression")).isBetween(0, names.indexOf("click"));
      if (names.contains("purchase")) {
        purchases++;
        assertThat(names.indexOf("begin_checkout")).isBetween(0, names.indexOf("purchase"));
        assertThat(names.indexOf("add_to_cart")).isBetween(0, names.indexOf("begin_checkout"));
        assertThat(names.indexOf("page_view")).isBetween(0, names.indexOf("add_to_cart"));
      }
      if (names.contains("conversion")) {
        var conversion = session.get(names.indexOf("conversion"));
        var purchase = session.get(names.indexOf("purchase"));
        assertThat(purchase.timestamp()).isBefore(conversion.timestamp());
        assertThat(conversion.transactionId()).isEqualTo(purchase.transactionId());
        assertThat(conversion.valueMicros()).isEqualTo(purchase.valueMicros()).isPositive();
      }
    }
    assertThat(purchases).isPositive();
  }

  @Test
  void dropOffAtEachStepLeavesFewerPurchasesThanClicks() {
    var events = parseAll(draw(model(5, new TrafficMix(0.7, 0.25, 0.05, 0)), 30_000, 50), LATER);
    var counts = events.stream().collect(Collectors.groupingBy(Event::name, Collectors.counting()));
    assertThat(counts.get("page_view")).isGreaterThan(counts.get("add_to_cart"));
    assertThat(counts.get("add_to_cart")).isGreaterThan(counts.get("begin_checkout"));
    assertThat(counts.get("begin_checkout")).isGreaterThan(counts.get("purchase"));
    assertThat(counts.get("click")).isGreaterThan(counts.get("purchase"));
    assertThat(counts.get("click")).isGreaterThan(counts.get("conversion"));
  }

  @Test
  void adEventTypesComeInTheSharesAsked() {
    var mix = new TrafficMix(0.6, 0.25, 0.1, 0);
    var ads = parseAll(draw(model(9, mix), 40_000, 20), LATER).stream().filter(e -> e.format().equals("campaign")).toList();
    var shares = ads.stream().collect(Collectors.groupingBy(Event::type, Collectors.counting()));
    assertThat(ads).hasSizeGreaterThan(10_000);
    assertThat(shares.get(EventType.IMPRESSION) / (double) ads.size()).isCloseTo(0.6, within(0.03));
    assertThat(shares.get(EventType.CLICK) / (double) ads.size()).isCloseTo(0.25, within(0.03));
    assertThat(shares.get(EventType.CONVERSION) / (double) ads.size()).isCloseTo(0.1, within(0.03));
  }

  @Test
  void botsClickManyTimesWithinASecond() {
    var events = parseAll(draw(model(13, new TrafficMix(0.7, 0.25, 0.05, 0.3)), 10_000, 100), LATER);
    var clicksBySession = events.stream().filter(e -> "click".equals(e.name()))
        .collect(Collectors.groupingBy(Event::sessionId));
    var burst = clicksBySession.values().stream().filter(clicks -> clicks.size() >= 5).findFirst();
    assertThat(burst).as("a bot's clicks").isPresent();
    var clicks = burst.get();
    assertThat(Duration.between(clicks.get(0).timestamp(), clicks.get(clicks.size() - 1).timestamp())).isLessThan(Duration.ofSeconds(4));
    var agents = draw(model(13, new TrafficMix(0.7, 0.25, 0.05, 0.3)), 10_000, 100).stream()
        .map(e -> json(e).path("metadata").path("userAgent").asText()).collect(Collectors.toSet());
    assertThat(agents).anyMatch(ua -> ua.contains("HeadlessChrome") || ua.startsWith("python-requests"));
  }

  @Test
  void landingPagesCarryUtmTagsThatNameTheCampaign() {
    var raw = draw(model(17, TrafficMix.DEFAULT), 10_000, 50);
    var events = parseAll(raw, LATER);
    var campaigns = Set.of("spring-sale", "brand-search", "Summer Sale 2024", "été-promo", "retargeting");
    var tagged = 0;
    for (int i = 0; i < raw.size(); i++) {
      var event = events.get(i);
      var location = event.pageLocation();
      if (!"page_view".equals(event.name()) || location == null || !location.contains("utm_campaign=")) continue;
      tagged++;
      assertThat(event.source().campaign()).isIn(campaigns);
      assertThat(location).contains("utm_source=" + java.net.URLEncoder.encode(event.source().source(), java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(tagged).isPositive();
    var sources = events.stream().filter(e -> e.source() != null).map(e -> e.source().source() + "/" + e.source().medium())
        .collect(Collectors.toSet());
    assertThat(sources).contains("google/cpc", "google/organic", "facebook/paid_social", "instagram/paid_social",
        "newsletter/email", "(direct)/(none)", "bing/cpc", "youtube/cpv", "youtube/video", "reddit.com/referral");
  }

  @Test
  void aPurchaseCountsForItsCampaignOnceThroughTheConversionEvent() {
    var events = parseAll(draw(model(19, TrafficMix.DEFAULT), 20_000, 50), LATER);
    var purchases = events.stream().filter(e -> "purchase".equals(e.name())).toList();
    var conversions = events.stream().filter(e -> e.type() == EventType.CONVERSION).toList();
    assertThat(purchases).isNotEmpty().allSatisfy(p -> assertThat(p.type()).isNull());
    assertThat(conversions).isNotEmpty().allSatisfy(c -> assertThat(c.format()).isEqualTo("campaign"));
  }

  @Test
  void aCompleteJourneyRunsFromImpressionToConversionAndEndsAtTheGivenTime() {
    var events = model(23, TrafficMix.DEFAULT).journey(LATER);
    var parsed = parseAll(events, LATER);
    var names = parsed.stream().map(Event::name).toList();
    assertThat(names.get(0)).isEqualTo("impression");
    assertThat(names).containsSubsequence("impression", "click", "page_view", "add_to_cart", "begin_checkout", "purchase", "conversion");
    assertThat(names.get(names.size() - 1)).isEqualTo("conversion");
    assertThat(parsed.get(parsed.size() - 1).timestamp()).isEqualTo(LATER);
    for (int i = 1; i < parsed.size(); i++) assertThat(parsed.get(i).timestamp()).isAfter(parsed.get(i - 1).timestamp());
    assertThat(parsed).extracting(Event::partitionKey).containsOnly(events.get(0).key());
    assertThat(parsed).extracting(Event::sessionId).containsOnly(parsed.get(0).sessionId());
    var click = parsed.get(names.indexOf("click"));
    var landing = parsed.get(names.indexOf("page_view"));
    assertThat(landing.source().campaign()).isEqualTo(click.campaignId());
    assertThat(landing.source().source()).isEqualTo(click.source().source());
    assertThat(landing.pageLocation()).isEqualTo(click.pageLocation());
    assertThat(events).filteredOn(e -> json(e).has("event_name"))
        .allSatisfy(e -> assertThat(json(e).get("event_date").asText()).isEqualTo("20240501"));
  }

  @Test
  void usersKeepTheirDeviceAndPlaceAcrossJourneys() {
    var events = parseAll(draw(new TrafficModel(SimulationFixtures.ORGANIZATIONS, new TrafficMix(0.7, 0.25, 0.05, 0), 20, 10, 29, START), 5_000, 50), LATER);
    Map<String, Set<String>> traits = new HashMap<>();
    events.forEach(e -> traits.computeIfAbsent(e.partitionKey(), k -> new java.util.HashSet<>()).add(e.deviceType() + "@" + e.location()));
    assertThat(traits.values()).allSatisfy(t -> assertThat(t).hasSize(1));
    var sessionsPerUser = events.stream().collect(Collectors.groupingBy(Event::partitionKey,
        Collectors.mapping(Event::sessionId, Collectors.toSet())));
    assertThat(sessionsPerUser.values()).anyMatch(s -> s.size() > 1);
  }
}
