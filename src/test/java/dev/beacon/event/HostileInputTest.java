package dev.beacon.event;

import static dev.beacon.event.EventFixtures.DEFAULT_TIME;
import static dev.beacon.event.EventFixtures.bytes;
import static dev.beacon.event.EventFixtures.campaignEvent;
import static dev.beacon.event.EventFixtures.ga4Row;
import static dev.beacon.event.EventFixtures.parser;
import static dev.beacon.event.EventFixtures.reasons;
import static dev.beacon.event.EventFixtures.valid;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records that once made the parser throw, spin or wrap a number: each must come back as reasons or a sane value. */
class HostileInputTest {
  private static final String CLICK = "{\"eventType\":\"click\",\"campaignId\":\"c\",\"organizationId\":\"acme\"";

  private final EventParser parser = parser();

  private List<String> refused(String body) {
    return reasons(parser.parse(bytes(body), DEFAULT_TIME));
  }

  @Test
  void epochMillisTextBeyondALongIsRefused() {
    assertEquals(List.of("timestamp: must be ISO-8601 text or epoch milliseconds"),
        refused(CLICK + ",\"timestamp\":\"123456789012345678901234\"}"));
  }

  @Test
  void epochMillisNumberBeyondALongIsRefusedNotWrapped() {
    // 2^64 + 1 would wrap to 1 ms after the epoch
    assertEquals(List.of("timestamp: must be ISO-8601 text or epoch milliseconds"),
        refused(CLICK + ",\"timestamp\":18446744073709551617}"));
  }

  @Test
  void ga4MicrosBeyondALongAreRefusedNotWrapped() {
    // 2^64 + a valid timestamp would wrap to that valid timestamp
    var row = new String(bytes(ga4Row("page_view")), UTF_8)
        .replaceFirst("\"event_timestamp\":\\d+", "\"event_timestamp\":18448458638509551616");
    assertEquals(List.of("event_timestamp: must be epoch microseconds"), refused(row));
  }

  @Test
  void farFutureEpochMillisIsRefusedByTheTimeWindow() {
    assertEquals(List.of("timestamp: more than 300 s in the future"),
        refused(CLICK + ",\"timestamp\":9223372036854775807}"));
    assertEquals(List.of("timestamp: more than 300 s in the future"),
        refused(CLICK + ",\"timestamp\":\"+1000000000-12-31T23:59:59Z\"}"));
  }

  @Test
  void valueOverflowingADoubleIsRefused() {
    assertEquals(List.of("value: must be a finite number"), refused(CLICK + ",\"value\":1e400}"));
    assertEquals(List.of("value: must not exceed 1000000"), refused(CLICK + ",\"value\":\"1e400\"}"));
  }

  @Test
  void durationOverflowingADoubleIsRefused() {
    assertEquals(List.of("metadata.duration: must be a finite number of seconds"),
        refused(CLICK + ",\"metadata\":{\"duration\":1e400}}"));
  }

  @Test
  void durationBeyondALongOfMillisIsRefusedNotWrapped() {
    assertEquals(List.of("metadata.duration: too large"), refused(CLICK + ",\"metadata\":{\"duration\":1e300}}"));
  }

  @Test
  void quantityBeyondALongIsRefusedNotWrapped() {
    var row = ga4Row("add_to_cart");
    row.putArray("items").addObject().put("item_id", "SKU-1").put("quantity", new BigInteger("18446744073709551617"));
    assertEquals(List.of("items[0].quantity: too large"), reasons(parser.parse(bytes(row), DEFAULT_TIME)));
  }

  @Test
  void vanishingValueWithAHugeExponentIsZero() {
    // rounding by setScale builds 10^exponent: this one threw, "1e-20000000" took seconds
    var event = valid(parser.parse(bytes(CLICK + ",\"value\":\"1e-999999999\"}"), DEFAULT_TIME));
    assertEquals(0L, event.valueMicros());
  }

  @Test
  void deepArraysAreRefusedLikeDeepObjects() {
    var body = CLICK + ",\"metadata\":{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}}";
    assertEquals(List.of("body: JSON nested deeper than 16 levels"), refused(body));
  }

  @Test
  void aDuplicateKeyIsRefusedNamingItNotReadAsItsLastValue() {
    // the last value would win: a record could pass as one campaign and be counted for another
    assertEquals(List.of("campaignId: duplicate key (a key may appear once per object)"),
        refused(CLICK + ",\"campaignId\":\"other\"}"));
    assertEquals(List.of("metadata.userId: duplicate key (a key may appear once per object)"),
        refused(CLICK + ",\"metadata\":{\"userId\":\"u1\",\"sessionId\":\"s\",\"userId\":\"u2\"}}"));
  }

  @Test
  void malformedJsonSaysWhereInOurWordsNotTheParsers() {
    assertEquals(List.of("body: malformed JSON at line 1, column 71"), refused(CLICK + ",\"value\" 1}"));
    assertEquals(List.of("body: malformed JSON at line 1, column 63: the document ends early"), refused(CLICK + ","));
    assertEquals(List.of("body: malformed JSON at line 1, column 63: content after the JSON value"), refused(CLICK + "} {}"));
  }

  @Test
  void parsingAnAlreadyReadNodeAppliesTheSameRules() {
    ObjectNode json = campaignEvent("click").put("value", -1);
    assertEquals(List.of("value: must not be negative"), reasons(parser.parse(json, DEFAULT_TIME)));
    assertEquals(List.of("event: must be a JSON object"), reasons(parser.parse((JsonNode) null, DEFAULT_TIME)));
  }
}
