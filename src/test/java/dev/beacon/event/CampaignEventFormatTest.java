package dev.beacon.event;

import static dev.beacon.event.EventFixtures.DEFAULT_TIME;
import static dev.beacon.event.EventFixtures.bytes;
import static dev.beacon.event.EventFixtures.campaignEvent;
import static dev.beacon.event.EventFixtures.parser;
import static dev.beacon.event.EventFixtures.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CampaignEventFormatTest {
  private final EventParser parser = parser();

  private Event parse(ObjectNode json) {
    return valid(parser.parse(bytes(json), DEFAULT_TIME));
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void everyEventTypeIsValid(EventType type) {
    var event = parse(campaignEvent(type.wireName()));

    assertEquals(type, event.type());
    assertEquals(type.wireName(), event.name());
    assertEquals("campaign", event.format());
    assertEquals("acme", event.organizationId());
    assertEquals("spring-sale", event.campaignId());
    assertEquals("u-1", event.userId());
    assertEquals("s-1", event.sessionId());
    assertEquals(Instant.parse("2024-05-01T11:59:00Z"), event.timestamp());
  }

  @Test
  void allSevenTypesAreConfigured() {
    assertEquals(7, EventType.values().length);
    assertEquals(EnumSet.allOf(EventType.class), EventFixtures.settings().eventTypes());
  }

  @Test
  void isoTimestampWithOffsetIsNormalisedToUtc() {
    var event = parse(campaignEvent("click").put("timestamp", "2024-05-01T13:59:00.250+02:00"));
    assertEquals(Instant.parse("2024-05-01T11:59:00.250Z"), event.timestamp());
  }

  @Test
  void timestampAsEpochMillisNumber() {
    var event = parse(campaignEvent("click").put("timestamp", 1714564740123L));
    assertEquals(Instant.parse("2024-05-01T11:59:00.123Z"), event.timestamp());
  }

  @Test
  void timestampAsEpochMillisText() {
    var event = parse(campaignEvent("click").put("timestamp", "1714564740123"));
    assertEquals(Instant.parse("2024-05-01T11:59:00.123Z"), event.timestamp());
  }

  @Test
  void missingTimestampTakesTheDefaultTime() {
    var json = campaignEvent("click");
    json.remove("timestamp");
    assertEquals(DEFAULT_TIME, parse(json).timestamp());
  }

  @Test
  void nullTimestampTakesTheDefaultTime() {
    assertEquals(DEFAULT_TIME, parse(campaignEvent("click").putNull("timestamp")).timestamp());
  }

  @Test
  void valueIsExactInMicros() {
    assertEquals(1_500_000L, parse(campaignEvent("click").put("value", 1.50)).valueMicros());
    assertEquals(1_500_000L, parse(campaignEvent("click").put("value", "1.50")).valueMicros());
    assertEquals(300_000L, parse(campaignEvent("conversion").put("value", 0.3)).valueMicros());
    assertEquals(100_000L, parse(campaignEvent("conversion").put("value", 0.1)).valueMicros());
    assertEquals(123_456_123_456L, parse(campaignEvent("conversion").put("value", 123456.123456)).valueMicros());
    assertEquals(999_999_999_999L, parse(campaignEvent("conversion").put("value", "999999.999999")).valueMicros());
    assertEquals(42_000_000L, parse(campaignEvent("conversion").put("value", 42)).valueMicros());
  }

  @Test
  void decimalsThatDoublesCannotAddStayExact() {
    // 0.1 + 0.2 != 0.3 in doubles; in micros the sum is exactly the micros of 0.3
    var tenth = parse(campaignEvent("conversion").put("value", 0.1)).valueMicros();
    var fifth = parse(campaignEvent("conversion").put("value", 0.2)).valueMicros();
    var threeTenths = parse(campaignEvent("conversion").put("value", 0.3)).valueMicros();
    assertEquals(threeTenths, tenth + fifth);

    long sum = 0;
    var exact = BigDecimal.ZERO;
    for (var part : List.of("0.1", "0.2", "19.99", "0.07", "1e-6", "0.000001")) {
      sum += parse(campaignEvent("conversion").put("value", Double.parseDouble(part))).valueMicros();
      exact = exact.add(new BigDecimal(part));
    }
    assertEquals(20_360_002L, sum);
    assertEquals(0, exact.compareTo(Money.fromMicros(sum)));
  }

  @Test
  void valueBeyondSixDecimalsRoundsHalfUp() {
    assertEquals(1L, parse(campaignEvent("click").put("value", "0.0000005")).valueMicros());
    assertEquals(0L, parse(campaignEvent("click").put("value", "0.0000004")).valueMicros());
  }

  @Test
  void missingValueIsZero() {
    assertEquals(0L, parse(campaignEvent("impression")).valueMicros());
  }

  @Test
  void durationSecondsBecomeMillis() {
    var json = campaignEvent("view");
    ((ObjectNode) json.get("metadata")).put("duration", 12.5);
    assertEquals(12_500L, parse(json).durationMillis());
  }

  @Test
  void metadataFieldsAreMapped() {
    var json = campaignEvent("conversion");
    ((ObjectNode) json.get("metadata"))
        .put("source", "google").put("medium", "cpc")
        .put("transactionId", "T-9").put("currency", "EUR")
        .put("deviceType", "mobile").put("location", "Lyon, France")
        .put("pageLocation", "https://shop.example/checkout").put("userAgent", "Mozilla/5.0");

    var event = parse(json);

    assertEquals(new Event.TrafficSource("google", "cpc", "spring-sale"), event.source());
    assertEquals("T-9", event.transactionId());
    assertEquals("EUR", event.currency());
    assertEquals("mobile", event.deviceType());
    assertEquals("Lyon, France", event.location());
    assertEquals("https://shop.example/checkout", event.pageLocation());
    assertTrue(event.items().isEmpty());
  }

  @Test
  void eventWithoutMetadataHasNoUserSessionOrSource() {
    var json = campaignEvent("impression");
    json.remove("metadata");

    var event = parse(json);

    assertNull(event.userId());
    assertNull(event.sessionId());
    assertNull(event.source());
    assertEquals("acme|spring-sale", event.partitionKey());
  }

  @Test
  void numericIdsAreKeptAsText() {
    var event = parse(campaignEvent("click").put("campaignId", 12345).put("organizationId", 7));
    assertEquals("12345", event.campaignId());
    assertEquals("7", event.organizationId());
  }

  @Test
  void givenEventIdIsKept() {
    var event = parse(campaignEvent("click").put("eventId", "evt-2024-0001"));
    assertEquals("evt-2024-0001", event.eventId());
  }

  @Test
  void missingEventIdGetsTheCanonicalSha256() {
    var event = parse(campaignEvent("click").put("value", "0.25"));
    var expected = EventIds.canonical("acme", "u-1", "click", Instant.parse("2024-05-01T11:59:00Z"),
        "spring-sale", 250_000L, "s-1");
    assertEquals(expected, event.eventId());
    assertTrue(event.eventId().matches("[0-9a-f]{64}"), event.eventId());
  }

  @Test
  void identicalContentGetsTheSameEventId() {
    var first = parse(campaignEvent("click").put("value", 0.25));
    // same content, other spelling: field order, value as text, timestamp as millis
    var again = campaignEvent("click");
    again.remove("timestamp");
    again.put("value", "0.250").put("timestamp", 1714564740000L);

    assertEquals(first.eventId(), parse(again).eventId());
  }

  @Test
  void anyContentChangeGivesAnotherEventId() {
    var baseline = parse(campaignEvent("click").put("value", 0.25)).eventId();
    List<Consumer<ObjectNode>> changes = List.of(
        json -> ((ObjectNode) json.get("metadata")).put("userId", "u-2"),
        json -> json.put("eventType", "impression"),
        json -> json.put("timestamp", "2024-05-01T11:59:00.001Z"),
        json -> json.put("campaignId", "summer-sale"),
        json -> json.put("value", 0.26),
        json -> ((ObjectNode) json.get("metadata")).put("sessionId", "s-2"),
        json -> json.put("organizationId", "globex"));
    for (var change : changes) {
      var json = campaignEvent("click").put("value", 0.25);
      change.accept(json);
      assertNotEquals(baseline, parse(json).eventId(), json::toString);
    }
  }

  @Test
  void eventsThatDifferOnlyInUnhashedMetadataShareTheirEventId() {
    var plain = parse(campaignEvent("click")).eventId();
    var json = campaignEvent("click");
    ((ObjectNode) json.get("metadata")).put("userAgent", "Mozilla/5.0");
    assertEquals(plain, parse(json).eventId());
  }
}
