package dev.beacon.event;

import static dev.beacon.event.EventFixtures.CLOCK;
import static dev.beacon.event.EventFixtures.DEFAULT_TIME;
import static dev.beacon.event.EventFixtures.bytes;
import static dev.beacon.event.EventFixtures.ga4Row;
import static dev.beacon.event.EventFixtures.param;
import static dev.beacon.event.EventFixtures.parser;
import static dev.beacon.event.EventFixtures.reasons;
import static dev.beacon.event.EventFixtures.settings;
import static dev.beacon.event.EventFixtures.valid;
import static dev.beacon.testing.TestData.GA4_SAMPLE;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Ga4RowFormatTest {
  private static List<String> lines;
  private static List<Event> events;

  @BeforeAll
  static void parseSample() throws IOException {
    lines = Files.readAllLines(GA4_SAMPLE);
    // the sample is years old: widen the retention window so only the mapping is under test
    var parser = new EventParser(settings("max-age = 36500d"), CLOCK);
    events = new ArrayList<>();
    var refused = new ArrayList<String>();
    for (int i = 0; i < lines.size(); i++) {
      var parsed = parser.parse(bytes(lines.get(i)), DEFAULT_TIME);
      if (parsed instanceof EventParser.Valid v) events.add(v.event());
      else refused.add("row " + i + ": " + parsed);
    }
    assertTrue(refused.isEmpty(), () -> "refused rows: " + refused);
  }

  /*
   * Expected figures of the sample (src/test/resources/data/ga4/events.ndjson) as printed by
   * ga4_reference.py beside it, which reads the JSON on its own; see the README.md there.
   */
  @Test
  void everySampleRowParsesAsValid() {
    assertEquals(93, lines.size());
    assertEquals(93, events.size());
    assertTrue(events.stream().allMatch(e -> e.format().equals("ga4")));
  }

  @Test
  void sampleRowMapsUserSessionTimeAndOrganisation() {
    var first = events.get(0);
    assertEquals("page_view", first.name());
    assertEquals("1005694.5834348403", first.userId());
    assertEquals("1005694.5834348403.4863244888", first.sessionId());
    assertEquals(Instant.parse("2020-11-01T00:54:33.036492Z"), first.timestamp());
    assertEquals("2100450278", first.organizationId());
    assertEquals("desktop", first.deviceType());
    assertEquals("Delhi, India", first.location());
    assertEquals("https://shop.googlemerchandisestore.com/Google+Redesign/Lifestyle/Drinkware", first.pageLocation());
    assertEquals(0, first.valueMicros());
    assertNull(first.type());
    assertNull(first.campaignId());
  }

  @Test
  void sampleRowWithoutSourceParamsTakesTheFirstTouchTrafficSource() {
    assertEquals(new Event.TrafficSource("google", "organic", "(organic)"), events.get(0).source());
  }

  @Test
  void sampleRowSourceParamsWinOverTrafficSource() {
    // row 6 carries source params (a referral) while its traffic_source says (direct)
    var engagement = events.get(6);
    assertEquals("user_engagement", engagement.name());
    assertEquals("1013442.5000387623.1129172264", engagement.sessionId());
    assertEquals(new Event.TrafficSource("shop.googlemerchandisestore.com", "referral", "(referral)"), engagement.source());
    assertEquals(6555, engagement.durationMillis());
  }

  @Test
  void sampleItemsAreMappedWithExactPrices() {
    assertTrue(events.stream().anyMatch(e -> !e.items().isEmpty()));
    assertEquals(108, events.stream().mapToInt(e -> e.items().size()).sum());
    // row 65, the first row with items (row 240 of the full 700-row sample)
    var viewItem = events.get(65);
    assertEquals("view_item", viewItem.name());
    assertEquals(12, viewItem.items().size());
    assertEquals(new Event.Item("GGOEGXXX1340", "Google Badge Heavyweight Pullover Black", 58_000_000L, 0),
        viewItem.items().get(0));
    assertEquals(25_000_000L, viewItem.items().get(3).priceMicros());
  }

  @Test
  void sampleHas20UsersAnd32Sessions() {
    assertEquals(20, events.stream().map(Event::userId).collect(toSet()).size());
    assertTrue(events.stream().allMatch(e -> e.sessionId() != null));
    assertEquals(32, events.stream().map(Event::sessionId).collect(toSet()).size());
  }

  @Test
  void sampleCountsPerEventName() {
    Map<String, Long> counts = events.stream().collect(groupingBy(Event::name, counting()));
    assertEquals(Map.ofEntries(
        Map.entry("page_view", 28L),
        Map.entry("user_engagement", 21L),
        Map.entry("session_start", 15L),
        Map.entry("first_visit", 10L),
        Map.entry("scroll", 4L),
        Map.entry("view_item", 4L),
        Map.entry("view_promotion", 3L),
        Map.entry("select_item", 3L),
        Map.entry("add_to_cart", 2L),
        Map.entry("view_search_results", 1L),
        Map.entry("add_payment_info", 1L),
        Map.entry("add_shipping_info", 1L)), counts);
  }

  @Test
  void sampleEventIdsAreAllDistinct() {
    assertEquals(93, events.stream().map(Event::eventId).collect(toSet()).size());
  }

  @Test
  void samplePlaceholderCampaignsCountInNoCampaign() {
    // 3 view_promotion rows would be impressions, but none names a real campaign
    assertTrue(events.stream().allMatch(e -> e.type() == null && e.campaignId() == null));
  }

  @Test
  void theJourneyARouteResolvedTheIdsToIsTheUserAndTheSessionsPrefix() {
    var row = ga4Row("page_view").put("user_id", "customer-9").put("beaconUserId", "111.222");
    var event = valid(parser().parse(bytes(row), DEFAULT_TIME));
    assertEquals("111.222", event.userId());
    assertEquals("111.222.4863244888", event.sessionId());

    var unresolved = valid(parser().parse(bytes(ga4Row("page_view").put("user_id", "customer-9")), DEFAULT_TIME));
    assertEquals("1005694.5834348403", unresolved.userId(), "user_pseudo_id before user_id");
    var known = ga4Row("page_view").put("user_id", "customer-9");
    known.remove("user_pseudo_id");
    assertEquals("customer-9", valid(parser().parse(bytes(known), DEFAULT_TIME)).userId());
  }

  @Test
  void purchaseWithRealCampaignIsAConversionWithExactRevenue() {
    var row = ga4Row("purchase");
    param(row, "source", "google");
    param(row, "medium", "cpc");
    param(row, "campaign", "spring_sale");
    row.putObject("ecommerce").put("purchase_revenue_in_usd", 129.99).put("transaction_id", "T-1001");

    var event = valid(parser().parse(bytes(row), DEFAULT_TIME));

    assertEquals(EventType.CONVERSION, event.type());
    assertEquals("spring_sale", event.campaignId());
    assertEquals(129_990_000L, event.valueMicros());
    assertEquals("USD", event.currency());
    assertEquals("T-1001", event.transactionId());
    assertEquals(new Event.TrafficSource("google", "cpc", "spring_sale"), event.source());
  }

  @Test
  void purchaseFromDirectTrafficCountsInNoCampaign() {
    var row = ga4Row("purchase");
    param(row, "source", "(direct)");
    param(row, "medium", "(none)");
    param(row, "campaign", "(direct)");
    row.putObject("ecommerce").put("purchase_revenue_in_usd", 10).put("transaction_id", "T-1002");

    var event = valid(parser().parse(bytes(row), DEFAULT_TIME));

    assertNull(event.type());
    assertNull(event.campaignId());
    assertEquals(10_000_000L, event.valueMicros());
    assertEquals("(direct)", event.source().campaign());
  }

  @Test
  void placeholderCampaignNamesAreNotRealCampaigns() {
    for (var placeholder : List.of("(organic)", "(direct)", "(referral)", "(not set)", "<Other>", " ")) {
      var row = ga4Row("purchase");
      param(row, "campaign", placeholder);
      var event = valid(parser().parse(bytes(row), DEFAULT_TIME));
      assertNull(event.campaignId(), placeholder);
      assertNull(event.type(), placeholder);
    }
  }

  @Test
  void eventNameOutsideTheCampaignMappingCountsInNoCampaign() {
    var row = ga4Row("page_view");
    param(row, "campaign", "spring_sale");

    var event = valid(parser().parse(bytes(row), DEFAULT_TIME));

    assertNull(event.type());
    assertNull(event.campaignId());
    assertEquals("spring_sale", event.source().campaign());
  }

  @Test
  void utmTagsOfPageLocationWinOverTrafficSource() {
    var row = ga4Row("ad_click");
    param(row, "page_location", "https://shop.example/landing?utm_source=newsletter&utm_medium=email&utm_campaign=may%20drop");
    row.putObject("traffic_source").put("source", "google").put("medium", "organic").put("name", "(organic)");

    var event = valid(parser().parse(bytes(row), DEFAULT_TIME));

    assertEquals(new Event.TrafficSource("newsletter", "email", "may drop"), event.source());
    assertEquals(EventType.CLICK, event.type());
    assertEquals("may drop", event.campaignId());
  }

  @Test
  void sourceParamsWinOverUtmTags() {
    var row = ga4Row("ad_impression");
    param(row, "page_location", "https://shop.example/?utm_source=newsletter&utm_campaign=may_drop");
    param(row, "source", "google");
    param(row, "campaign", "brand_search");

    var event = valid(parser().parse(bytes(row), DEFAULT_TIME));

    assertEquals(new Event.TrafficSource("google", null, "brand_search"), event.source());
    assertEquals(EventType.IMPRESSION, event.type());
  }

  @Test
  void userIdStandsInForAMissingPseudoId() {
    var row = ga4Row("page_view");
    row.remove("user_pseudo_id");
    row.put("user_id", "customer-42");

    var event = valid(parser().parse(bytes(row), DEFAULT_TIME));

    assertEquals("customer-42", event.userId());
    assertEquals("customer-42.4863244888", event.sessionId());
  }

  @Test
  void organizationIdFieldWinsOverStreamId() {
    var row = ga4Row("page_view").put("organizationId", "acme");
    assertEquals("acme", valid(parser().parse(bytes(row), DEFAULT_TIME)).organizationId());
  }

  @Test
  void valueParamWithCurrencyIsUsedWithoutEcommerceRevenue() {
    var row = ga4Row("purchase");
    param(row, "value", "19.90");
    param(row, "currency", "EUR");

    var event = valid(parser().parse(bytes(row), DEFAULT_TIME));

    assertEquals(19_900_000L, event.valueMicros());
    assertEquals("EUR", event.currency());
  }

  @Test
  void eventTimestampIsReadAsEpochMicroseconds() {
    var row = ga4Row("page_view").put("event_timestamp", "1714564200123456");
    assertEquals(Instant.parse("2024-05-01T11:50:00.123456Z"), valid(parser().parse(bytes(row), DEFAULT_TIME)).timestamp());
  }

  @Test
  void sameRowTwiceGetsTheSameEventId() {
    var parser = parser();
    var first = valid(parser.parse(bytes(ga4Row("scroll")), DEFAULT_TIME));
    var again = valid(parser.parse(bytes(ga4Row("scroll")), DEFAULT_TIME));
    var otherName = valid(parser.parse(bytes(ga4Row("page_view")), DEFAULT_TIME));
    assertEquals(first.eventId(), again.eventId());
    assertNotEquals(first.eventId(), otherName.eventId());
  }

  @Test
  void givenEventIdIsTheIdOfTwoRowsThatTheCanonicalIdWouldMerge() {
    var parser = parser();
    var canonical = valid(parser.parse(bytes(ga4Row("scroll")), DEFAULT_TIME)).eventId();
    var first = valid(parser.parse(bytes(ga4Row("scroll").put("event_id", "mp-1")), DEFAULT_TIME));
    var second = valid(parser.parse(bytes(ga4Row("scroll").put("event_id", "mp-2")), DEFAULT_TIME));
    assertEquals("mp-1", first.eventId());
    assertEquals("mp-2", second.eventId());
    assertNotEquals(canonical, first.eventId());
  }

  @Test
  void eventIdWithControlCharactersIsRefused() {
    var row = ga4Row("scroll").put("event_id", "a\nb");
    assertEquals(List.of("event_id: contains control characters"), reasons(parser().parse(bytes(row), DEFAULT_TIME)));
  }

  @Test
  void rowWithoutAnyUserIsRefusedNamingUserPseudoId() {
    var row = ga4Row("page_view");
    row.remove("user_pseudo_id");

    var reasons = reasons(parser().parse(bytes(row), DEFAULT_TIME));

    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("user_pseudo_id: ")), reasons::toString);
  }

  @Test
  void rowWithNonNumericTimestampIsRefusedNamingEventTimestamp() {
    var row = ga4Row("page_view").put("event_timestamp", "yesterday");
    assertEquals(List.of("event_timestamp: must be epoch microseconds"), reasons(parser().parse(bytes(row), DEFAULT_TIME)));
  }

  @Test
  void rowWithTimestampAsObjectIsRefusedNamingEventTimestamp() {
    var row = ga4Row("page_view");
    row.putObject("event_timestamp").put("seconds", 1);
    assertEquals(List.of("event_timestamp: must be epoch microseconds"), reasons(parser().parse(bytes(row), DEFAULT_TIME)));
  }
}
