package dev.beacon.simulate;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Json;
import dev.beacon.event.Event;
import dev.beacon.event.EventParser;
import dev.beacon.event.EventSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A fixed start time, Beacon's own event parser, and helpers to draw traffic from a model. */
final class SimulationFixtures {
  static final Instant START = Instant.parse("2024-05-01T12:00:00Z");
  static final List<TrafficModel.Organization> ORGANIZATIONS = List.of(
      new TrafficModel.Organization("acme", List.of("spring-sale", "brand-search", "Summer Sale 2024")),
      new TrafficModel.Organization("globex.eu", List.of("été-promo", "retargeting")));

  private SimulationFixtures() {}

  static EventSettings eventSettings() {
    return EventSettings.from(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.events"));
  }

  /** Beacon's parser with its clock at {@code now}. */
  static EventParser parser(Instant now) {
    return new EventParser(eventSettings(), Clock.fixed(now, ZoneOffset.UTC));
  }

  static TrafficModel model(long seed, TrafficMix mix) {
    return new TrafficModel(ORGANIZATIONS, mix, 500, 40, seed, START);
  }

  /** {@code n} events, the clock moving {@code stepMillis} between two draws. */
  static List<SimulatedEvent> draw(TrafficModel model, int n, long stepMillis) {
    return draw(model, n, stepMillis, START);
  }

  static List<SimulatedEvent> draw(TrafficModel model, int n, long stepMillis, Instant from) {
    var events = new ArrayList<SimulatedEvent>(n);
    for (int i = 0; i < n; i++) events.add(model.next(from.plusMillis(i * stepMillis)));
    return events;
  }

  static Event valid(EventParser parser, SimulatedEvent event) {
    var parsed = parser.parse(event.json(), START);
    return assertInstanceOf(EventParser.Valid.class, parsed, () -> "expected Valid, got " + parsed + " for " + event.text()).event();
  }

  static List<Event> parseAll(List<SimulatedEvent> events, Instant now) {
    var parser = parser(now);
    return events.stream().map(e -> valid(parser, e)).toList();
  }

  static JsonNode json(SimulatedEvent event) {
    try {
      return Json.MAPPER.readTree(event.json());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
