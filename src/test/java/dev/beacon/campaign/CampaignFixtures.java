package dev.beacon.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.event.EventType;
import dev.beacon.event.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Settings, a clock that tests move, and event builders shared by the campaign tests. */
final class CampaignFixtures {
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  static final String ORG = "acme";
  static final String CAMPAIGN = "spring-sale";
  static final String TOPIC = "beacon.events";

  private CampaignFixtures() {}

  static Config campaignConfig() {
    return ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.campaign");
  }

  /** The shipped {@code beacon.campaign} settings with some of them overridden. */
  static CampaignSettings settings(String overrides) {
    return CampaignSettings.from(ConfigFactory.parseString(overrides).withFallback(campaignConfig()));
  }

  static CampaignSettings settings() {
    return settings("");
  }

  static long micros(String amount) {
    return Money.toMicros(new BigDecimal(amount));
  }

  /** An event of this campaign without user or session, no value, no duration. */
  static Event event(String id, EventType type, Instant at) {
    return event(id, type, at, 0, 0, null, null);
  }

  static Event event(String id, EventType type, Instant at, long valueMicros, long durationMillis, String userId,
      String sessionId) {
    return new Event(id, "campaign", ORG, type.wireName(), type, CAMPAIGN, userId, sessionId, at, valueMicros,
        valueMicros == 0 ? null : "EUR", durationMillis, null, null, null, null, null, List.of(), null, null, null);
  }

  static Event withValue(String id, EventType type, Instant at, String amount) {
    return event(id, type, at, micros(amount), 0, null, null);
  }

  static Event inSession(String id, EventType type, Instant at, String sessionId) {
    return event(id, type, at, 0, 0, null, sessionId);
  }

  static Delivered at(Event event, int partition, long offset) {
    return new Delivered(event, TOPIC, partition, offset);
  }

  /** Money compared by value: 1.5 and 1.50 are the same amount. */
  static void assertMoney(String expected, BigDecimal actual) {
    assertNotNull(actual, "amount");
    assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " but was " + actual);
  }
}
