package dev.beacon.event;

import static dev.beacon.event.EventFixtures.CLOCK;
import static dev.beacon.event.EventFixtures.DEFAULT_TIME;
import static dev.beacon.event.EventFixtures.NOW;
import static dev.beacon.event.EventFixtures.bytes;
import static dev.beacon.event.EventFixtures.campaignEvent;
import static dev.beacon.event.EventFixtures.ga4Row;
import static dev.beacon.event.EventFixtures.micros;
import static dev.beacon.event.EventFixtures.param;
import static dev.beacon.event.EventFixtures.parser;
import static dev.beacon.event.EventFixtures.reasons;
import static dev.beacon.event.EventFixtures.settings;
import static dev.beacon.event.EventFixtures.valid;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationRulesTest {
  private final EventParser parser = parser();

  private List<String> refused(ObjectNode json) {
    return reasons(parser.parse(bytes(json), DEFAULT_TIME));
  }

  private List<String> refused(String body) {
    return reasons(parser.parse(bytes(body), DEFAULT_TIME));
  }

  private static ObjectNode metadata(ObjectNode event) {
    return (ObjectNode) event.get("metadata");
  }

  // required fields

  @ParameterizedTest
  @ValueSource(strings = {"eventType", "campaignId", "organizationId"})
  void campaignEventWithoutRequiredFieldIsRefusedNamingIt(String field) {
    var json = campaignEvent("click");
    json.remove(field);
    assertEquals(List.of(field + ": required"), refused(json));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eventType", "campaignId", "organizationId"})
  void blankOrNullRequiredFieldCountsAsMissing(String field) {
    assertEquals(List.of(field + ": required"), refused(campaignEvent("click").put(field, "  ")));
    assertEquals(List.of(field + ": required"), refused(campaignEvent("click").putNull(field)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"event_name", "event_timestamp"})
  void ga4RowWithoutRequiredFieldIsRefusedNamingIt(String field) {
    var row = ga4Row("page_view");
    row.remove(field);
    assertEquals(List.of(field + ": required"), refused(row));
  }

  @Test
  void ga4RowWithoutStreamOrOrganisationIsRefusedNamingStreamId() {
    var row = ga4Row("page_view");
    row.remove("stream_id");
    assertEquals(List.of("stream_id: required (or organizationId)"), refused(row));
  }

  @Test
  void requiredFieldsFollowConfiguration() {
    var lenient = new EventParser(settings("required.campaign = [eventType]"), CLOCK);
    var json = campaignEvent("click");
    json.remove("campaignId");
    assertNull(valid(lenient.parse(bytes(json), DEFAULT_TIME)).campaignId());
  }

  // event type

  @ParameterizedTest
  @ValueSource(strings = {"purchase", "CLICK", "Click", "click "})
  void unknownEventTypeIsRefusedNamingIt(String type) {
    assertEquals(List.of("eventType: unknown event type '" + type + "'"), refused(campaignEvent(type)));
  }

  @Test
  void eventTypeOutsideTheConfiguredListIsRefused() {
    var clicksOnly = new EventParser(settings("event-types = [click]"), CLOCK);
    assertEquals(List.of("eventType: unknown event type 'impression'"),
        reasons(clicksOnly.parse(bytes(campaignEvent("impression")), DEFAULT_TIME)));
    assertEquals(EventType.CLICK, valid(clicksOnly.parse(bytes(campaignEvent("click")), DEFAULT_TIME)).type());
  }

  // value

  @Test
  void negativeValueIsRefused() {
    assertEquals(List.of("value: must not be negative"), refused(campaignEvent("click").put("value", -0.01)));
    assertEquals(List.of("value: must not be negative"), refused(campaignEvent("click").put("value", "-5")));
  }

  @Test
  void valueOverMaxValueIsRefused() {
    assertEquals(List.of("value: must not exceed 1000000"), refused(campaignEvent("conversion").put("value", "1000000.000001")));
    assertEquals(1_000_000_000_000L, valid(parser.parse(bytes(campaignEvent("conversion").put("value", 1_000_000)), DEFAULT_TIME)).valueMicros());
  }

  @Test
  void maxValueFollowsConfiguration() {
    var small = new EventParser(settings("max-value = \"10\""), CLOCK);
    assertEquals(List.of("value: must not exceed 10"),
        reasons(small.parse(bytes(campaignEvent("conversion").put("value", 10.5)), DEFAULT_TIME)));
  }

  @Test
  void nonNumericValueIsRefused() {
    assertEquals(List.of("value: must be a number"), refused(campaignEvent("click").put("value", "ten")));
    assertEquals(List.of("value: must be a number"), refused(campaignEvent("click").put("value", true)));
  }

  @Test
  void ga4NegativeRevenueIsRefusedNamingTheRevenueField() {
    var row = ga4Row("purchase");
    row.putObject("ecommerce").put("purchase_revenue_in_usd", -3);
    assertEquals(List.of("ecommerce.purchase_revenue_in_usd: must not be negative"), refused(row));
  }

  @Test
  void ga4ItemPriceOverMaxValueIsRefusedNamingTheItem() {
    var row = ga4Row("add_to_cart");
    row.putArray("items").addObject().put("item_id", "SKU-1");
    ((ArrayNode) row.get("items")).addObject().put("item_id", "SKU-2").put("price", 2_000_000);
    assertEquals(List.of("items[1].price: must not exceed 1000000"), refused(row));
  }

  @Test
  void negativeDurationIsRefused() {
    var json = campaignEvent("view");
    metadata(json).put("duration", -1);
    assertEquals(List.of("metadata.duration: must not be negative"), refused(json));
  }

  // time range

  @Test
  void timestampFurtherAheadThanMaxFutureIsRefused() {
    var json = campaignEvent("click").put("timestamp", NOW.plus(Duration.ofMinutes(5)).plusMillis(1).toString());
    assertEquals(List.of("timestamp: more than 300 s in the future"), refused(json));
  }

  @Test
  void timestampExactlyMaxFutureAheadIsAccepted() {
    var json = campaignEvent("click").put("timestamp", NOW.plus(Duration.ofMinutes(5)).toString());
    assertEquals(NOW.plus(Duration.ofMinutes(5)), valid(parser.parse(bytes(json), DEFAULT_TIME)).timestamp());
  }

  @Test
  void timestampOlderThanMaxAgeIsRefused() {
    var json = campaignEvent("click").put("timestamp", NOW.minus(Duration.ofDays(90)).minusMillis(1).toString());
    assertEquals(List.of("timestamp: older than the retention window of 90 days"), refused(json));
  }

  @Test
  void ga4TimestampOutsideTheWindowIsRefusedNamingEventTimestamp() {
    var old = ga4Row("page_view").put("event_timestamp", micros(NOW.minus(Duration.ofDays(91))));
    var ahead = ga4Row("page_view").put("event_timestamp", micros(NOW.plus(Duration.ofHours(1))));
    assertEquals(List.of("event_timestamp: older than the retention window of 90 days"), refused(old));
    assertEquals(List.of("event_timestamp: more than 300 s in the future"), refused(ahead));
  }

  @Test
  void anImportKeepsItsRealTimeHoweverOldButNotAFutureOne() {
    var history = Instant.parse("2020-11-01T01:34:33.036492Z");
    var old = ga4Row("page_view").put("event_timestamp", micros(history));
    var ahead = ga4Row("page_view").put("event_timestamp", micros(NOW.plus(Duration.ofHours(1))));

    assertEquals(history, valid(parser.parse(bytes(old), DEFAULT_TIME, Origin.IMPORT)).timestamp());
    assertEquals(List.of("event_timestamp: more than 300 s in the future"),
        reasons(parser.parse(bytes(ahead), DEFAULT_TIME, Origin.IMPORT)));
    assertEquals(List.of("event_timestamp: older than the retention window of 90 days"),
        reasons(parser.parse(bytes(old), DEFAULT_TIME, Origin.LIVE)));
  }

  @Test
  void anImportedRowGetsTheSameEventIdEveryTime() {
    var row = bytes(ga4Row("page_view").put("event_timestamp", micros(Instant.parse("2020-12-03T10:00:00Z"))));
    var first = valid(parser.parse(row, DEFAULT_TIME, Origin.IMPORT));
    var again = valid(new EventParser(EventFixtures.settings(), java.time.Clock.systemUTC())
        .parse(row, Instant.now(), Origin.IMPORT));
    assertEquals(first.eventId(), again.eventId());
  }

  @Test
  void defaultTimeIsCheckedAgainstTheWindowToo() {
    var json = campaignEvent("click");
    json.remove("timestamp");
    assertEquals(List.of("timestamp: older than the retention window of 90 days"),
        reasons(parser.parse(bytes(json), NOW.minus(Duration.ofDays(365)))));
  }

  @Test
  void unreadableTimestampIsRefused() {
    assertEquals(List.of("timestamp: must be ISO-8601 text or epoch milliseconds"),
        refused(campaignEvent("click").put("timestamp", "1 May 2024")));
    assertEquals(List.of("timestamp: must be ISO-8601 text or epoch milliseconds"),
        refused(campaignEvent("click").put("timestamp", 1.7145647E12)));
  }

  // lengths and characters

  @Test
  void idLongerThanMaxIdLengthIsRefused() {
    assertEquals(List.of("campaignId: longer than 256 characters"), refused(campaignEvent("click").put("campaignId", "c".repeat(257))));
    assertEquals("c".repeat(256), valid(parser.parse(bytes(campaignEvent("click").put("campaignId", "c".repeat(256))), DEFAULT_TIME)).campaignId());
  }

  @Test
  void metadataIdLongerThanMaxIdLengthIsRefusedWithItsPath() {
    var json = campaignEvent("click");
    metadata(json).put("sessionId", "s".repeat(257));
    assertEquals(List.of("metadata.sessionId: longer than 256 characters"), refused(json));
  }

  @Test
  void ga4UserIdLongerThanMaxIdLengthIsRefusedNamingIt() {
    assertEquals(List.of("user_pseudo_id: longer than 256 characters"),
        refused(ga4Row("page_view").put("user_pseudo_id", "1".repeat(257))));
  }

  @Test
  void textLongerThanMaxTextLengthIsRefused() {
    var json = campaignEvent("click");
    metadata(json).put("pageLocation", "https://shop.example/" + "p".repeat(2048));
    assertEquals(List.of("metadata.pageLocation: longer than 2048 characters"), refused(json));
  }

  @Test
  void textMayBeLongerThanAnId() {
    var json = campaignEvent("click");
    var url = "https://shop.example/" + "p".repeat(1000);
    metadata(json).put("pageLocation", url);
    assertEquals(url, valid(parser.parse(bytes(json), DEFAULT_TIME)).pageLocation());
  }

  @Test
  void ga4PageLocationLongerThanMaxTextLengthIsRefused() {
    var row = ga4Row("page_view");
    param(row, "page_location", "https://shop.example/" + "p".repeat(2048));
    assertEquals(List.of("event_params.page_location: longer than 2048 characters"), refused(row));
  }

  @ParameterizedTest
  @ValueSource(strings = {"spring\u0000sale", "spring\nsale", "spring\tsale", "spring\u007fsale", "spring\u0085sale"})
  void controlCharactersInAnIdAreRefused(String id) {
    assertEquals(List.of("campaignId: contains control characters"), refused(campaignEvent("click").put("campaignId", id)));
  }

  @Test
  void controlCharactersInTextAreRefused() {
    var json = campaignEvent("click");
    metadata(json).put("userAgent", "Mozilla/5.0\r\nX-Injected: 1");
    assertEquals(List.of("metadata.userAgent: contains control characters"), refused(json));
  }

  @Test
  void ga4EventNameWithControlCharactersIsRefused() {
    assertEquals(List.of("event_name: contains control characters"), refused(ga4Row("page\u0007view")));
  }

  @Test
  void utmTagsObeyTheIdRulesOnceDecoded() {
    var newline = ga4Row("ad_click");
    param(newline, "page_location", "https://shop.example/?utm_campaign=spring%0Asale");
    assertEquals(List.of("event_params.page_location.utm_campaign: contains control characters"), refused(newline));

    var tooLong = ga4Row("ad_click");
    param(tooLong, "page_location", "https://shop.example/?utm_source=" + "s".repeat(257));
    assertEquals(List.of("event_params.page_location.utm_source: longer than 256 characters"), refused(tooLong));
  }

  @Test
  void idOfTheWrongJsonTypeIsRefused() {
    assertEquals(List.of("campaignId: must be a string"), refused(campaignEvent("click").set("campaignId", Json.MAPPER.createArrayNode())));
  }

  // collection sizes

  @Test
  void moreEventParamsThanMaxParamsAreRefused() {
    var row = ga4Row("page_view");
    for (int i = 0; i < 100; i++) param(row, "p" + i, i);   // 101 with ga_session_id
    assertEquals(List.of("event_params: more than 100 params"), refused(row));
  }

  @Test
  void exactlyMaxParamsAreAccepted() {
    var row = ga4Row("page_view");
    for (int i = 0; i < 99; i++) param(row, "p" + i, i);
    assertEquals("1005694.5834348403.4863244888", valid(parser.parse(bytes(row), DEFAULT_TIME)).sessionId());
  }

  @Test
  void moreItemsThanMaxItemsAreRefused() {
    var row = ga4Row("view_item_list");
    var items = row.putArray("items");
    for (int i = 0; i < 201; i++) items.addObject().put("item_id", "SKU-" + i);
    assertEquals(List.of("items: more than 200 items"), refused(row));
  }

  @Test
  void moreMetadataEntriesThanMaxAreRefused() {
    var json = campaignEvent("click");
    for (int i = 0; i < 49; i++) metadata(json).put("k" + i, i);   // 51 with userId and sessionId
    assertEquals(List.of("metadata: more than 50 entries"), refused(json));
  }

  @Test
  void nonArrayEventParamsAndItemsAreRefused() {
    var row = ga4Row("page_view");
    row.put("event_params", "none").put("items", 3);
    assertEquals(List.of("event_params: must be an array", "items: must be an array"), refused(row));
  }

  // organisation

  @ParameterizedTest
  @ValueSource(strings = {"acme corp", "acme/eu", "acmé", "acme|eu"})
  void organizationIdNotMatchingThePatternIsRefused(String organizationId) {
    assertEquals(List.of("organizationId: must match [A-Za-z0-9._-]{1,128}"),
        refused(campaignEvent("click").put("organizationId", organizationId)));
  }

  @Test
  void organizationIdLongerThanThePatternAllowsIsRefused() {
    assertEquals(List.of("organizationId: must match [A-Za-z0-9._-]{1,128}"),
        refused(campaignEvent("click").put("organizationId", "o".repeat(129))));
    assertEquals("o".repeat(128),
        valid(parser.parse(bytes(campaignEvent("click").put("organizationId", "o".repeat(128))), DEFAULT_TIME)).organizationId());
  }

  @Test
  void ga4OrganizationIdIsCheckedAgainstThePatternToo() {
    assertEquals(List.of("organizationId: must match [A-Za-z0-9._-]{1,128}"),
        refused(ga4Row("page_view").put("organizationId", "acme corp")));
  }

  // shape of the document

  @ParameterizedTest
  @ValueSource(strings = {"\"mobile\"", "[]", "42", "true"})
  void metadataThatIsNotAnObjectIsRefused(String metadata) {
    var json = "{\"eventType\":\"click\",\"campaignId\":\"c\",\"organizationId\":\"acme\",\"metadata\":" + metadata + "}";
    assertEquals(List.of("metadata: must be an object"), refused(json));
  }

  @Test
  void malformedJsonIsRefusedAsBody() {
    var reasons = refused("{\"eventType\":\"click\",\"campaignId\":");
    assertEquals(1, reasons.size());
    assertTrue(reasons.get(0).startsWith("body: malformed JSON"), reasons::toString);
  }

  @Test
  void contentAfterTheEventIsMalformed() {
    var event = new String(bytes(campaignEvent("click")), UTF_8);
    for (var body : List.of(event + " trailing", event + event, event + "]")) {
      var reasons = refused(body);
      assertEquals(1, reasons.size(), body);
      assertTrue(reasons.get(0).startsWith("body: malformed JSON"), reasons::toString);
    }
  }

  @Test
  void emptyBodyIsRefused() {
    assertEquals(List.of("body: empty"), reasons(parser.parse(new byte[0], DEFAULT_TIME)));
    assertEquals(List.of("body: empty"), reasons(parser.parse((byte[]) null, DEFAULT_TIME)));
  }

  @Test
  void blankBodyIsNotAnObject() {
    assertEquals(List.of("event: must be a JSON object"), refused("  \n "));
  }

  @Test
  void eventOverMaxEventSizeIsRefused() {
    var event = bytes(campaignEvent("click"));
    var limit = 32 * 1024;
    var atLimit = new String(event, UTF_8) + " ".repeat(limit - event.length);
    assertEquals(limit, bytes(atLimit).length);
    assertEquals("click", valid(parser.parse(bytes(atLimit), DEFAULT_TIME)).name());
    assertEquals(List.of("body: event larger than 32768 bytes"), refused(atLimit + " "));
  }

  @Test
  void jsonDeeperThanMaxDepthIsRefused() {
    assertEquals("click", valid(parser.parse(bytes(nested(16)), DEFAULT_TIME)).name());
    assertEquals(List.of("body: JSON nested deeper than 16 levels"), refused(nested(17)));
  }

  /** A valid click whose metadata nests objects until the document is {@code depth} deep. */
  private static String nested(int depth) {
    var inner = "{}";
    for (int level = 3; level <= depth; level++) inner = "{\"n\":" + inner + "}";
    return "{\"eventType\":\"click\",\"campaignId\":\"c\",\"organizationId\":\"acme\",\"metadata\":" + inner + "}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"[{\"eventType\":\"click\",\"campaignId\":\"c\",\"organizationId\":\"acme\"}]", "\"click\"", "42", "null"})
  void documentThatIsNotAnObjectIsRefused(String body) {
    assertEquals(List.of("event: must be a JSON object"), refused(body));
  }

  @Test
  void documentOfUnknownFormatIsRefused() {
    assertEquals(List.of("event: unknown format (expected a campaign event with eventType, a GA4 row with event_name "
        + "or a Segment call with type and userId or anonymousId)"),
        refused("{\"type\":\"click\",\"campaign\":\"c\"}"));
  }

  // several at once

  @Test
  void everyProblemOfAnEventIsListed() {
    var json = campaignEvent("purchase")
        .put("organizationId", "acme corp")
        .put("campaignId", "c".repeat(300))
        .put("timestamp", NOW.plus(Duration.ofDays(1)).toString())
        .put("value", -1);
    metadata(json).put("userId", "u\u0000").put("duration", "long");

    assertEquals(List.of(
        "eventType: unknown event type 'purchase'",
        "organizationId: must match [A-Za-z0-9._-]{1,128}",
        "campaignId: longer than 256 characters",
        "timestamp: more than 300 s in the future",
        "value: must not be negative",
        "metadata.userId: contains control characters",
        "metadata.duration: must be a number of seconds"), refused(json));
  }

  @Test
  void everyProblemOfAGa4RowIsListed() {
    var row = ga4Row("purchase").put("event_timestamp", micros(NOW.minus(Duration.ofDays(400))));
    row.remove("user_pseudo_id");
    row.putObject("ecommerce").put("purchase_revenue_in_usd", "lots");
    row.putArray("items").addObject().put("item_id", "SKU\n1");

    assertEquals(List.of(
        "event_timestamp: older than the retention window of 90 days",
        "user_pseudo_id: required (or user_id)",
        "ecommerce.purchase_revenue_in_usd: must be a number",
        "items[0].item_id: contains control characters"), refused(row));
  }

  @Test
  void everyMissingRequiredFieldIsListed() {
    assertEquals(List.of("campaignId: required", "organizationId: required"), refused("{\"eventType\":\"click\"}"));
  }
}
