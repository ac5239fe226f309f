package dev.beacon.event;

import static dev.beacon.event.EventFixtures.DEFAULT_TIME;
import static dev.beacon.event.EventFixtures.NOW;
import static dev.beacon.event.EventFixtures.parser;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Segment's documents as the tracker route puts them on the topic, read into Beacon's event:
 * ids, Segment's clock-skew correction, names, sources, campaign metrics, value and items,
 * consent; and the reasons for what is refused.
 */
class SegmentEventFormatTest {
  private final EventParser parser = parser();

  private EventParser.Parsed parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), DEFAULT_TIME);
  }

  private Event event(String json) {
    var parsed = parse(json);
    assertThat(parsed).as(String.valueOf(parsed)).isInstanceOf(EventParser.Valid.class);
    return ((EventParser.Valid) parsed).event();
  }

  private List<String> refused(String json) {
    var parsed = parse(json);
    assertThat(parsed).isInstanceOf(EventParser.Invalid.class);
    return ((EventParser.Invalid) parsed).reasons();
  }

  @Test
  void anOrderCompletedWithACampaignIsAConversionWithItsValueOrderAndProducts() {
    var e = event("""
        {"type": "track", "event": "Order Completed", "messageId": "m-1", "userId": "ann", "anonymousId": "a-1",
         "beaconUserId": "a-1", "organizationId": "shop",
         "properties": {"order_id": "o-1", "revenue": 25.5, "value": 99, "currency": "EUR",
                        "products": [{"product_id": "p1", "name": "Shoe", "price": 12.75, "quantity": 2}, {"sku": "s2"}]},
         "context": {"campaign": {"name": "spring", "source": "google", "medium": "cpc"},
                     "userAgent": "Mozilla/5.0", "ip": "203.0.113.9", "device": {"type": "mobile"},
                     "location": {"city": "Lyon", "country": "France"}}}""");
    assertThat(e.format()).isEqualTo("segment");
    assertThat(e.eventId()).isEqualTo("m-1");
    assertThat(e.userId()).as("the journey the route resolved").isEqualTo("a-1");
    assertThat(e.name()).isEqualTo("Order Completed");
    assertThat(e.type()).isEqualTo(EventType.CONVERSION);
    assertThat(e.campaignId()).isEqualTo("spring");
    assertThat(e.source()).isEqualTo(new Event.TrafficSource("google", "cpc", "spring"));
    assertThat(e.valueMicros()).as("revenue before value").isEqualTo(25_500_000L);
    assertThat(e.currency()).isEqualTo("EUR");
    assertThat(e.transactionId()).isEqualTo("o-1");
    assertThat(e.items()).containsExactly(new Event.Item("p1", "Shoe", 12_750_000L, 2), new Event.Item("s2", null, 0, 1));
    assertThat(e.ipAddress()).isEqualTo("203.0.113.9");
    assertThat(e.deviceType()).isEqualTo("mobile");
    assertThat(e.location()).isEqualTo("Lyon, France");
  }

  @Test
  void theSkewOfTheDevicesClockIsCorrected() {
    // the device's clock is an hour behind: it called at 10:00:00 by its clock and sent 10 s later
    var e = event("""
        {"type": "track", "event": "Signed Up", "messageId": "m-2", "anonymousId": "a-2", "organizationId": "shop",
         "timestamp": "%s", "sentAt": "%s", "receivedAt": "%s"}"""
        .formatted(NOW.minus(Duration.ofHours(1)).minusSeconds(10), NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(1)));
    assertThat(e.timestamp()).isEqualTo(NOW.minusSeconds(11));
    assertThat(e.userId()).isEqualTo("a-2");

    var original = event("""
        {"type": "track", "event": "Signed Up", "messageId": "m-3", "anonymousId": "a-2", "organizationId": "shop",
         "originalTimestamp": "%s", "timestamp": "%s", "sentAt": "%s"}"""
        .formatted(NOW.minusSeconds(100), NOW.minusSeconds(5000), NOW.minusSeconds(40)));
    assertThat(original.timestamp()).as("originalTimestamp first; the record's time stands for receivedAt")
        .isEqualTo(DEFAULT_TIME.minusSeconds(60));

    var noSentAt = event("""
        {"type": "track", "event": "Signed Up", "messageId": "m-4", "userId": "u", "organizationId": "shop",
         "timestamp": "%s"}""".formatted(NOW.minusSeconds(100)));
    assertThat(noSentAt.timestamp()).isEqualTo(NOW.minusSeconds(100));

    var none = event("""
        {"type": "track", "event": "Signed Up", "messageId": "m-5", "userId": "u", "organizationId": "shop"}""");
    assertThat(none.timestamp()).isEqualTo(DEFAULT_TIME);
  }

  @Test
  void pageAndScreenAreNamedAsGa4NamesThemAndTheirSourceComesFromTheUrlOrTheReferrer() {
    var tagged = event("""
        {"type": "page", "messageId": "p-1", "anonymousId": "a", "organizationId": "shop",
         "properties": {"url": "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=may"}}""");
    assertThat(tagged.name()).isEqualTo("page_view");
    assertThat(tagged.pageLocation()).startsWith("https://shop.example/");
    assertThat(tagged.source()).isEqualTo(new Event.TrafficSource("newsletter", "email", "may"));
    assertThat(tagged.type()).as("a page view counts in no campaign metric").isNull();

    var search = event("""
        {"type": "page", "messageId": "p-2", "anonymousId": "a", "organizationId": "shop",
         "context": {"page": {"url": "https://shop.example/shoes", "referrer": "https://www.google.com/search?q=shoes"}}}""");
    assertThat(search.source()).isEqualTo(new Event.TrafficSource("google.com", "referral", null));

    var internal = event("""
        {"type": "page", "messageId": "p-3", "anonymousId": "a", "organizationId": "shop",
         "context": {"page": {"url": "https://shop.example/cart", "referrer": "https://shop.example/shoes"}}}""");
    assertThat(internal.source()).as("a referrer on the page's own host is no source").isNull();

    var screen = event("""
        {"type": "screen", "name": "Home", "messageId": "s-1", "userId": "u", "organizationId": "shop"}""");
    assertThat(screen.name()).isEqualTo("screen_view");
  }

  @Test
  void promotionsCountAsImpressionsAndClicksOnlyWithARealCampaign() {
    var clicked = event("""
        {"type": "track", "event": "Promotion Clicked", "messageId": "c-1", "userId": "u", "organizationId": "shop",
         "context": {"campaign": {"name": "spring", "source": "facebook", "medium": "paid_social"}}}""");
    assertThat(clicked.type()).isEqualTo(EventType.CLICK);
    var viewed = event("""
        {"type": "track", "event": "Promotion Viewed", "messageId": "c-2", "userId": "u", "organizationId": "shop",
         "context": {"campaign": {"name": "(direct)"}}}""");
    assertThat(viewed.type()).isNull();
    assertThat(viewed.campaignId()).isNull();
  }

  @Test
  void consentCategoriesSayWhatTheUserAgreedTo() {
    var e = event("""
        {"type": "track", "event": "Signed Up", "messageId": "k-1", "userId": "u", "organizationId": "shop",
         "context": {"consent": {"categoryPreferences": {"Analytics": true, "Advertising": false, "Functional": true}}}}""");
    assertThat(e.consent()).isEqualTo(Consent.of(true, false));
  }

  @Test
  void aSameMessageIdIsTheSameEventAndWithoutOneTheIdIsCanonical() {
    var body = """
        {"type": "track", "event": "Signed Up", "userId": "u", "organizationId": "shop", "timestamp": "%s"}"""
        .formatted(NOW.minusSeconds(5));
    assertThat(event(body).eventId()).isEqualTo(event(body).eventId()).hasSize(64);
  }

  @Test
  void whatIsWrongIsNamedFieldByField() {
    assertThat(refused("""
        {"type": "track", "messageId": "x", "organizationId": "shop"}"""))
        .containsExactlyInAnyOrder("userId: required (or anonymousId)", "event: required");
    assertThat(refused("""
        {"type": "track", "event": "Order Completed", "messageId": "x", "userId": "u", "organizationId": "shop",
         "properties": {"revenue": "lots", "products": {"p": 1}}, "context": {"ip": "shop.example", "campaign": "spring"}}"""))
        .containsExactlyInAnyOrder("properties.revenue: must be a number", "properties.products: must be an array",
            "context.ip: must be an IPv4 or IPv6 address", "context.campaign: must be an object");
    assertThat(refused("""
        {"type": "identify", "messageId": "x", "userId": "u", "organizationId": "shop"}"""))
        .containsExactly("type: 'identify' is no event: POST /v1/identify takes it");
    assertThat(refused("""
        {"type": "page", "messageId": "x", "userId": "u"}""")).containsExactly("organizationId: required");
  }
}
