package dev.beacon.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Json;
import dev.beacon.event.Event;
import dev.beacon.event.EventParser;
import dev.beacon.event.EventSettings;
import dev.beacon.event.EventType;
import dev.beacon.tracker.ValidationMessage.Code;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Measurement Protocol mapping read back by Beacon's own parser (the rows are GA4 export
 * rows like any other), the event ids, and each of GA4's rules with the code it answers.
 */
class MeasurementProtocolTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final long NOW_MICROS = NOW.toEpochMilli() * 1000;
  private static final EventSettings SETTINGS = EventSettings.from(
      ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.events"));
  private static final EventParser PARSER = new EventParser(SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));
  private static final MeasurementProtocol PROTOCOL = new MeasurementProtocol(SETTINGS.maxFuture());

  /** Google's page_view example, with a landing page from a paid search campaign. */
  private static final String PAGE_VIEW = """
      {"client_id": "123456.7654321", "timestamp_micros": %d,
       "events": [{"name": "page_view", "params": {"session_id": "1714564000", "engagement_time_msec": 1200,
         "page_location": "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring",
         "page_referrer": "https://www.google.com/", "page_title": "Home"}}]}
      """.formatted(NOW_MICROS - 60_000_000L);

  /** Google's purchase example (items, transaction_id, value and currency) in the same session. */
  private static final String PURCHASE = """
      {"client_id": "123456.7654321", "user_id": "customer-9", "timestamp_micros": %d,
       "events": [{"name": "purchase", "params": {"session_id": "1714564000", "engagement_time_msec": 100,
         "currency": "USD", "value": 30.03, "transaction_id": "T_12345", "campaign": "spring", "source": "google",
         "medium": "cpc", "items": [{"item_id": "SKU_12345", "item_name": "Stan and Friends Tee", "price": 10.01,
           "quantity": 3}]}}]}
      """.formatted(NOW_MICROS);

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static MeasurementProtocol.Translation translate(String body) {
    return translate(body, "shop", NOW);
  }

  private static MeasurementProtocol.Translation translate(String body, String organization, Instant receivedAt) {
    return PROTOCOL.translate(body.getBytes(StandardCharsets.UTF_8), organization, receivedAt);
  }

  /** The events of a request that passed every rule, as Beacon's parser reads their rows. */
  private static List<Event> events(String body) {
    return events(translate(body));
  }

  private static List<Event> events(MeasurementProtocol.Translation translation) {
    assertThat(translation.messages()).isEmpty();
    var events = new ArrayList<Event>();
    for (var item : translation.items()) {
      assertThat(item.messages()).isEmpty();
      var parsed = PARSER.parse(item.json(), NOW);
      assertThat(parsed).as(item.json().toString()).isInstanceOf(EventParser.Valid.class);
      events.add(((EventParser.Valid) parsed).event());
    }
    return events;
  }

  private static Event event(String body) {
    var events = events(body);
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  /** Every message of a request: about it as a whole, and about each event. */
  private static List<ValidationMessage> messages(String body) {
    var translation = translate(body);
    var messages = new ArrayList<>(translation.messages());
    translation.items().forEach(item -> messages.addAll(item.messages()));
    return messages;
  }

  private static void assertOneMessage(String body, String fieldPath, Code code) {
    assertThat(messages(body)).singleElement().satisfies(m -> {
      assertThat(m.fieldPath()).isEqualTo(fieldPath);
      assertThat(m.validationCode()).isEqualTo(code);
    });
  }

  /** A request of one event with these params (a JSON object's inside). */
  private static String withParams(String params) {
    return "{\"client_id\": \"c1\", \"events\": [{\"name\": \"select_item\", \"params\": {" + params + "}}]}";
  }

  private static String params(int count) {
    var params = new ArrayList<String>();
    for (int i = 0; i < count; i++) params.add("\"p" + i + "\": " + i);
    return String.join(", ", params);
  }

  @Test
  void pageViewHasTheSessionEngagementAndChannelOfAnExportRow() {
    var event = event(PAGE_VIEW);
    assertThat(event.format()).isEqualTo(EventParser.GA4);
    assertThat(event.organizationId()).isEqualTo("shop");
    assertThat(event.name()).isEqualTo("page_view");
    assertThat(event.userId()).isEqualTo("123456.7654321");
    assertThat(event.sessionId()).isEqualTo("123456.7654321.1714564000");
    assertThat(event.durationMillis()).isEqualTo(1200);
    assertThat(event.timestamp()).isEqualTo(NOW.minusSeconds(60));
    assertThat(event.pageLocation()).startsWith("https://shop.example/");
    assertThat(event.source()).isEqualTo(new Event.TrafficSource("google", "cpc", "spring"));
    assertThat(event.type()).isNull();
  }

  @Test
  void purchaseHasItsValueCurrencyTransactionAndItemsAndCountsForItsCampaign() {
    var event = event(PURCHASE);
    assertThat(event.type()).isEqualTo(EventType.CONVERSION);
    assertThat(event.campaignId()).isEqualTo("spring");
    assertThat(event.valueMicros()).isEqualTo(30_030_000L);
    assertThat(event.currency()).isEqualTo("USD");
    assertThat(event.transactionId()).isEqualTo("T_12345");
    assertThat(event.items()).containsExactly(new Event.Item("SKU_12345", "Stan and Friends Tee", 10_010_000L, 3));
    assertThat(event.userId()).as("the client id, as for the page view of the same browser").isEqualTo("123456.7654321");
    assertThat(event.timestamp()).isEqualTo(NOW);
  }

  @Test
  void appEventIsTheAppInstancesAndTakesItsDeviceAndLocation() {
    var event = event("""
        {"app_instance_id": "cbd7b7e5f2b1c4a1b6e0a0d3c8f9e2a1", "device": {"category": "mobile"},
         "user_location": {"city": "Lyon", "country_id": "FR"},
         "events": [{"name": "level_up", "params": {"session_id": 77, "level": 5}}]}
        """);
    assertThat(event.userId()).isEqualTo("cbd7b7e5f2b1c4a1b6e0a0d3c8f9e2a1");
    assertThat(event.sessionId()).isEqualTo("cbd7b7e5f2b1c4a1b6e0a0d3c8f9e2a1.77");
    assertThat(event.deviceType()).isEqualTo("mobile");
    assertThat(event.location()).isEqualTo("Lyon, FR");
    assertThat(event.timestamp()).as("no timestamp_micros: when Beacon received it").isEqualTo(NOW);
  }

  @Test
  void eventTimestampWinsOverTheRequestsWhichWinsOverTheReceiveTime() {
    var events = events("""
        {"client_id": "c1", "timestamp_micros": %d,
         "events": [{"name": "a_1"}, {"name": "a_2", "timestamp_micros": %d}]}
        """.formatted(NOW_MICROS - 5_000_000L, NOW_MICROS - 9_000_000L));
    assertThat(events).extracting(Event::timestamp).containsExactly(NOW.minusSeconds(5), NOW.minusSeconds(9));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"consent\": {\"ad_personalization\": \"GRANTED\"}|true",
      "\"consent\": {\"ad_personalization\": \"DENIED\", \"ad_user_data\": \"GRANTED\"}|false",
      "\"non_personalized_ads\": true|false",
      "\"consent\": {\"ad_user_data\": \"DENIED\"}|null"})
  void adPersonalizationConsentIsTheRowsAdsStorage(String caseText) {
    var fields = caseText.split("\\|");
    var event = event("{\"client_id\": \"c1\", " + fields[0] + ", \"events\": [{\"name\": \"login\"}]}");
    assertThat(event.consent().adPersonalization()).isEqualTo(fields[1].equals("null") ? null : Boolean.valueOf(fields[1]));
    assertThat(event.consent().analytics()).as("the Measurement Protocol says nothing of analytics").isNull();
  }

  @Test
  void userPropertiesGoIntoTheRowAsTheExportHasThem() {
    var row = translate("""
        {"client_id": "c1", "user_properties": {"customer_tier": {"value": "premium"}, "visits": {"value": 4}},
         "events": [{"name": "login"}]}
        """).items().get(0).json();
    assertThat(row.get("user_properties").toString()).isEqualTo("[{\"key\":\"customer_tier\",\"value\":{\"string_value\":"
        + "\"premium\",\"set_timestamp_micros\":" + NOW_MICROS + "}},{\"key\":\"visits\",\"value\":{\"int_value\":4,"
        + "\"set_timestamp_micros\":" + NOW_MICROS + "}}]");
  }

  @Test
  void theSameRequestAgainGivesTheSameIdsWhileTwoIdenticalEventsOfOneRequestGetTwo() {
    var body = """
        {"client_id": "c1", "timestamp_micros": %d, "events": [
          {"name": "add_to_cart", "params": {"value": 5, "currency": "EUR"}},
          {"name": "add_to_cart", "params": {"value": 5, "currency": "EUR"}}]}
        """.formatted(NOW_MICROS);
    var first = events(body).stream().map(Event::eventId).toList();
    var again = events(body).stream().map(Event::eventId).toList();
    assertThat(again).isEqualTo(first);
    assertThat(first.get(0)).isNotEqualTo(first.get(1));

    var reordered = """
        {"events": [{"params": {"currency": "EUR", "value": 5}, "name": "add_to_cart"},
          {"name": "add_to_cart", "params": {"value": 5, "currency": "EUR"}}], "timestamp_micros": %d, "client_id": "c1"}
        """.formatted(NOW_MICROS);
    assertThat(events(reordered).stream().map(Event::eventId).toList()).as("keys in another order").isEqualTo(first);
    var otherOrganization = translate(body, "other", NOW).items().get(0).json().get("event_id").asText();
    assertThat(otherOrganization).isNotEqualTo(first.get(0));
  }

  @Test
  void withoutTimestampARetryIsANewEventAsInGa4() {
    var body = "{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\"}]}";
    var first = translate(body, "shop", NOW).items().get(0).json().get("event_id");
    var retry = translate(body, "shop", NOW.plusSeconds(3)).items().get(0).json().get("event_id");
    assertThat(retry).isNotEqualTo(first);
  }

  @Test
  void aRefusedEventIsKeptAsTheRequestWithItAloneAndTheOthersStillMap() {
    var translation = translate("""
        {"client_id": "c1", "events": [{"name": "login"}, {"name": "session_start"}, {"name": "sign_up"}]}
        """);
    assertThat(translation.items()).hasSize(3);
    assertThat(translation.items().get(0).messages()).isEmpty();
    assertThat(translation.items().get(2).messages()).isEmpty();
    var refused = translation.items().get(1);
    assertThat(refused.json()).isEqualTo(json("{\"client_id\": \"c1\", \"events\": [{\"name\": \"session_start\"}]}"));
    assertThat(refused.messages()).extracting(ValidationMessage::reason)
        .containsExactly("events[1].name: Event at index: [1] has reserved name [session_start].");
  }

  @Test
  void aRequestWithoutClientIdOrAppInstanceIdIsRefusedWhole() {
    var translation = translate("{\"user_id\": \"u1\", \"events\": [{\"name\": \"login\"}]}");
    assertThat(translation.items()).isEmpty();
    assertThat(translation.messages()).extracting(ValidationMessage::fieldPath, ValidationMessage::validationCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("client_id", Code.VALUE_REQUIRED));
  }

  @Test
  void theAdminKeyWithoutMeasurementIdNamesNoOrganization() {
    var translation = translate("{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\"}]}", null, NOW);
    assertThat(translation.messages()).extracting(ValidationMessage::fieldPath).containsExactly("measurement_id");
    assertThat(translation.messages().get(0).validationCode()).isEqualTo(Code.VALUE_REQUIRED);
  }

  @Test
  void bodiesThatAreNotARequestAreValueInvalidAndAKeyTwiceIsNameDuplicated() {
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [", "body", Code.VALUE_INVALID);
    assertOneMessage("[1, 2]", "body", Code.VALUE_INVALID);
    assertOneMessage("", "body", Code.VALUE_INVALID);
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\", \"params\": {\"method\": \"a\", \"method\": \"b\"}}]}",
        "events[0].params.method", Code.NAME_DUPLICATED);
  }

  @Test
  void requestFieldsOfTheWrongKindAreValueInvalid() {
    assertOneMessage("{\"client_id\": 5, \"events\": [{\"name\": \"login\"}]}", "client_id", Code.VALUE_INVALID);
    assertOneMessage("{\"client_id\": \"c1\", \"user_id\": 7, \"events\": [{\"name\": \"login\"}]}", "user_id", Code.VALUE_INVALID);
    assertOneMessage("{\"client_id\": \"c1\", \"timestamp_micros\": \"soon\", \"events\": [{\"name\": \"login\"}]}",
        "timestamp_micros", Code.VALUE_INVALID);
    assertOneMessage("{\"client_id\": \"c1\", \"non_personalized_ads\": \"yes\", \"events\": [{\"name\": \"login\"}]}",
        "non_personalized_ads", Code.VALUE_INVALID);
    assertOneMessage("{\"client_id\": \"c1\", \"consent\": {\"ad_user_data\": \"MAYBE\"}, \"events\": [{\"name\": \"login\"}]}",
        "consent.ad_user_data", Code.VALUE_INVALID);
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\", \"params\": {\"method\": {\"a\": 1}}}]}",
        "events[0].params.method", Code.VALUE_INVALID);
    assertOneMessage(withParams("\"items\": {\"item_id\": \"a\"}"), "events[0].params.items", Code.VALUE_INVALID);
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [{\"name\": 12}]}", "events[0].name", Code.VALUE_INVALID);
  }

  @Test
  void whatIsMissingIsValueRequired() {
    assertOneMessage("{\"client_id\": \"c1\"}", "events", Code.VALUE_REQUIRED);
    assertOneMessage("{\"client_id\": \"c1\", \"events\": []}", "events", Code.VALUE_REQUIRED);
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [{\"params\": {}}]}", "events[0].name", Code.VALUE_REQUIRED);
    assertOneMessage(withParams("\"items\": [{\"price\": 3}]"), "events[0].params.items[0]", Code.VALUE_REQUIRED);
    assertOneMessage("{\"client_id\": \"c1\", \"user_properties\": {\"tier\": {}}, \"events\": [{\"name\": \"login\"}]}",
        "user_properties.tier.value", Code.VALUE_REQUIRED);
  }

  @Test
  void atMost25EventsParamsAndUserProperties() {
    var events = new ArrayList<String>();
    for (int i = 0; i < 26; i++) events.add("{\"name\": \"e" + i + "\"}");
    assertThat(messages("{\"client_id\": \"c1\", \"events\": [" + String.join(",", events.subList(0, 25)) + "]}")).isEmpty();
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [" + String.join(",", events) + "]}", "events", Code.EXCEED_MAX_ENTITIES);

    assertThat(messages(withParams(params(25)))).isEmpty();
    assertOneMessage(withParams(params(26)), "events[0].params", Code.EXCEED_MAX_ENTITIES);

    var properties = new ArrayList<String>();
    for (int i = 0; i < 26; i++) properties.add("\"up" + i + "\": {\"value\": " + i + "}");
    assertThat(messages("{\"client_id\": \"c1\", \"user_properties\": {" + String.join(",", properties.subList(0, 25))
        + "}, \"events\": [{\"name\": \"login\"}]}")).isEmpty();
    assertOneMessage("{\"client_id\": \"c1\", \"user_properties\": {" + String.join(",", properties)
        + "}, \"events\": [{\"name\": \"login\"}]}", "user_properties", Code.EXCEED_MAX_ENTITIES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"_bad_event_name", "9lives", "add-to-cart", "add to cart", "a2345678901234567890123456789012345678901"})
  void eventNamesOfOtherCharactersOrLongerThan40AreNameInvalid(String name) {
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [{\"name\": \"" + name + "\"}]}", "events[0].name", Code.NAME_INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"session_start", "first_visit", "user_engagement", "app_remove", "ad_click", "error",
      "firebase_campaign", "notification_open", "google_thing", "ga_custom", "firebase_custom"})
  void reservedEventNamesAndPrefixesAreNameReserved(String name) {
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [{\"name\": \"" + name + "\"}]}", "events[0].name", Code.NAME_RESERVED);
  }

  @Test
  void eventNamesOf40LettersOrOtherAlphabetsAreTaken() {
    assertThat(messages("{\"client_id\": \"c1\", \"events\": [{\"name\": \"" + "a".repeat(40) + "\"}]}")).isEmpty();
    assertThat(messages("{\"client_id\": \"c1\", \"events\": [{\"name\": \"événement_2\"}]}")).isEmpty();
  }

  @Test
  void paramNamesFollowTheSameRulesWithTheirReservedNames() {
    assertOneMessage(withParams("\"firebase_conversion\": 1"), "events[0].params.firebase_conversion", Code.NAME_RESERVED);
    assertOneMessage(withParams("\"ga_thing\": 1"), "events[0].params.ga_thing", Code.NAME_RESERVED);
    assertOneMessage(withParams("\"google_x\": 1"), "events[0].params.google_x", Code.NAME_RESERVED);
    assertOneMessage(withParams("\"_private\": 1"), "events[0].params._private", Code.NAME_INVALID);
    var longName = "p".repeat(41);
    assertOneMessage(withParams("\"" + longName + "\": 1"), "events[0].params." + longName, Code.NAME_INVALID);
    assertThat(messages(withParams("\"" + "p".repeat(40) + "\": 1, \"session_id\": 5, \"engagement_time_msec\": 9"))).isEmpty();
  }

  @Test
  void paramValuesAreAtMost100CharactersAndPageFieldsLongerAsInGa4() {
    assertThat(messages(withParams("\"method\": \"" + "x".repeat(100) + "\""))).isEmpty();
    assertOneMessage(withParams("\"method\": \"" + "x".repeat(101) + "\""), "events[0].params.method", Code.VALUE_OUT_OF_BOUNDS);
    assertOneMessage(withParams("\"items\": [{\"item_id\": \"" + "x".repeat(101) + "\"}]"), "events[0].params.items[0].item_id",
        Code.VALUE_OUT_OF_BOUNDS);
    var page = "https://shop.example/" + "p".repeat(1000 - 21);
    assertThat(messages(withParams("\"page_location\": \"" + page + "\""))).isEmpty();
    assertOneMessage(withParams("\"page_location\": \"" + page + "x\""), "events[0].params.page_location", Code.VALUE_OUT_OF_BOUNDS);
    assertOneMessage(withParams("\"page_referrer\": \"" + "r".repeat(421) + "\""), "events[0].params.page_referrer",
        Code.VALUE_OUT_OF_BOUNDS);
    assertOneMessage(withParams("\"page_title\": \"" + "t".repeat(301) + "\""), "events[0].params.page_title", Code.VALUE_OUT_OF_BOUNDS);
  }

  @Test
  void userPropertiesHaveShortNamesShortValuesAndNoReservedName() {
    var body = "{\"client_id\": \"c1\", \"user_properties\": {%s}, \"events\": [{\"name\": \"login\"}]}";
    assertThat(messages(body.formatted("\"" + "u".repeat(24) + "\": {\"value\": \"" + "v".repeat(36) + "\"}"))).isEmpty();
    assertOneMessage(body.formatted("\"" + "u".repeat(25) + "\": {\"value\": 1}"), "user_properties." + "u".repeat(25),
        Code.NAME_INVALID);
    assertOneMessage(body.formatted("\"tier\": {\"value\": \"" + "v".repeat(37) + "\"}"), "user_properties.tier.value",
        Code.VALUE_OUT_OF_BOUNDS);
    for (var reserved : List.of("first_open_time", "first_visit_time", "last_deep_link_referrer", "user_id",
        "first_open_after_install", "google_x", "ga_x", "firebase_x")) {
      assertOneMessage(body.formatted("\"" + reserved + "\": {\"value\": 1}"), "user_properties." + reserved, Code.NAME_RESERVED);
    }
  }

  @Test
  void eventTimesUpTo72HoursBackAndNotBeyondBeaconsMaxFutureAreTaken() {
    var body = "{\"client_id\": \"c1\", \"timestamp_micros\": %d, \"events\": [{\"name\": \"login\"}]}";
    var hour = 3_600_000_000L;
    assertThat(messages(body.formatted(NOW_MICROS - 71 * hour))).isEmpty();
    assertOneMessage(body.formatted(NOW_MICROS - 73 * hour), "timestamp_micros", Code.VALUE_OUT_OF_BOUNDS);
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\", \"timestamp_micros\": %d}]}"
        .formatted(NOW_MICROS + SETTINGS.maxFuture().toNanos() / 1000 + 1), "events[0].timestamp_micros", Code.VALUE_OUT_OF_BOUNDS);
    assertOneMessage("{\"client_id\": \"c1\", \"events\": [{\"name\": \"login\", \"timestamp_micros\": 1.5}]}",
        "events[0].timestamp_micros", Code.VALUE_INVALID);
  }

  @Test
  void aBodyOver130KbIsValueOutOfBounds() {
    var message = MeasurementProtocol.tooLarge(140_000);
    assertThat(message.validationCode()).isEqualTo(Code.VALUE_OUT_OF_BOUNDS);
    assertThat(message.reason()).isEqualTo("body: The body is 140000 bytes, at most 133120 (130 kB)");
  }

  @Test
  void parserReasonsAreNamedByTheRequestFieldTheyCameFrom() {
    assertThat(ValidationMessage.ofParserReason(2, "event_params.value: must not be negative"))
        .isEqualTo(new ValidationMessage("events[2].params.value", "Event at index: [2]: must not be negative", Code.VALUE_INVALID));
    assertThat(ValidationMessage.ofParserReason(0, "event_params.ga_session_id: must be a string").fieldPath())
        .isEqualTo("events[0].params.session_id");
    assertThat(ValidationMessage.ofParserReason(0, "items[1].price: must be a number").fieldPath())
        .isEqualTo("events[0].params.items[1].price");
    assertThat(ValidationMessage.ofParserReason(0, "user_pseudo_id: longer than 256 characters").fieldPath()).isEqualTo("client_id");
    assertThat(ValidationMessage.ofParserReason(0, "organizationId: must match [a-z]+").fieldPath()).isEqualTo("measurement_id");
    assertThat(ValidationMessage.ofParserReason(1, "body: event larger than 32768 bytes"))
        .isEqualTo(new ValidationMessage("events[1]", "Event at index: [1]: body: event larger than 32768 bytes", Code.VALUE_INVALID));
  }

  @Test
  void aNegativeValueIsRefusedByBeaconsParserOnTheRow() {
    var row = translate(withParams("\"value\": -3")).items().get(0);
    assertThat(row.messages()).isEmpty();
    var parsed = PARSER.parse(row.json(), NOW);
    assertThat(parsed).isEqualTo(new EventParser.Invalid(List.of("event_params.value: must not be negative")));
  }

  /** Any request within GA4's rules maps to rows Beacon's parser takes, each with its own id. */
  @Property(tries = 200)
  void anyValidRequestMapsToRowsTheParserAccepts(@ForAll("requests") ObjectNode request) {
    var ids = events(PROTOCOL.translate(request, "shop", NOW)).stream().map(Event::eventId).collect(Collectors.toSet());
    assertThat(ids).hasSize(request.get("events").size());
  }

  @Provide
  Arbitrary<ObjectNode> requests() {
    var names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10)
        .filter(n -> !List.of("ga", "google", "firebase").contains(n))
        .map(n -> n + "_x");
    var values = Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().ofMaxLength(100).map(s -> (JsonNode) Json.MAPPER.getNodeFactory().textNode(s)),
        Arbitraries.longs().between(0, 1_000_000).map(n -> (JsonNode) Json.MAPPER.getNodeFactory().numberNode(n)),
        Arbitraries.doubles().between(0, 1_000_000).ofScale(2).map(d -> (JsonNode) Json.MAPPER.getNodeFactory().numberNode(d)));
    var params = Arbitraries.maps(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(40)
        .filter(n -> !n.startsWith("ga_") && !n.startsWith("google_") && !n.startsWith("firebase_") 
            && !List.of("items", "value", "currency", "engagement_time_msec").contains(n)), values).ofMaxSize(25);
    var event = net.jqwik.api.Combinators.combine(names, params, Arbitraries.longs().between(0, 71 * 3_600_000_000L).injectNull(0.3))
        .as((name, p, ago) -> {
          var node = Json.MAPPER.createObjectNode().put("name", name);
          if (ago != null) node.put("timestamp_micros", NOW_MICROS - ago);
          p.forEach(node.putObject("params")::set);
          return node;
        });
    return net.jqwik.api.Combinators.combine(event.list().ofMinSize(1).ofMaxSize(25),
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(64), Arbitraries.of(true, false))
        .as((events, id, web) -> {
          var request = Json.MAPPER.createObjectNode().put(web ? "client_id" : "app_instance_id", id);
          request.putArray("events").addAll(events);
          return request;
        });
  }
}
