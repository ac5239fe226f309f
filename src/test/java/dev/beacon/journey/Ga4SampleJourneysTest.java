package dev.beacon.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Json;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventParser;
import dev.beacon.event.EventSettings;
import dev.beacon.testing.TestData;
import dev.beacon.testing.TestKits;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The GA4 sample rows (93, of 20 users) through a journey bucket: sessions and channels as GA4 counted them. */
class Ga4SampleJourneysTest {
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private static final ActorTestKit testKit = ActorTestKit.create("Ga4SampleJourneysTest", TestKits.eventSourcedConfig());

  private static List<JsonNode> rows;
  private static JourneyState state;
  private static final List<JourneyBucket.JourneysUpdated> events = new ArrayList<>();

  @BeforeAll
  static void replaySample() throws IOException {
    rows = new ArrayList<>();
    for (var line : Files.readAllLines(TestData.GA4_SAMPLE)) {
      if (!line.isBlank()) rows.add(Json.MAPPER.readTree(line));
    }
    var eventSettings = EventSettings.from(ConfigFactory.parseString("max-age = 36500d")
        .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.events")));
    var parser = new EventParser(eventSettings, Clock.fixed(NOW, ZoneOffset.UTC));
    // the sample spans three months: keep every user, as a bucket would with a long retention
    var settings = JourneyLogicTest.settings("user-retention = 3650d");
    var kit = EventSourcedBehaviorTestKit.<JourneyBucket.Command, JourneyBucket.Event, JourneyState>create(testKit.system(),
        JourneyBucket.create("ga4sample|b0", settings, JourneyTest.CHANNELS, Clock.fixed(NOW, ZoneOffset.UTC)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    var batch = new ArrayList<Delivered>();
    for (int i = 0; i < rows.size(); i++) {
      var parsed = assertInstanceOf(EventParser.Valid.class, parser.parse(rows.get(i), NOW));
      batch.add(new Delivered(parsed.event(), "beacon.events", 0, i));
      if (batch.size() == 50 || i == rows.size() - 1) {
        var admitted = List.copyOf(batch);
        var result = kit.<StatusReply<JourneyBucket.Admitted>>runCommand(replyTo -> new JourneyBucket.Admit(admitted, replyTo));
        events.add(result.eventOfType(JourneyBucket.JourneysUpdated.class));
        batch.clear();
      }
    }
    state = kit.getState();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** User to the distinct ga_session_id values of the user's rows, read straight from the JSON. */
  private static Map<String, Set<Long>> gaSessions() {
    var sessions = new HashMap<String, Set<Long>>();
    for (var row : rows) {
      for (var param : row.get("event_params")) {
        if (param.get("key").asText().equals("ga_session_id")) {
          sessions.computeIfAbsent(row.get("user_pseudo_id").asText(), k -> new HashSet<>())
              .add(param.get("value").get("int_value").asLong());
        }
      }
    }
    return sessions;
  }

  @Test
  void everyUserHasOneSessionPerDistinctGaSessionId() {
    var expected = new HashMap<String, Integer>();
    gaSessions().forEach((user, ids) -> expected.put(user, ids.size()));
    var actual = new HashMap<String, Integer>();
    state.users.forEach((user, journey) -> actual.put(user, journey.sessions().size()));

    assertEquals(32, expected.values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(expected, actual);
  }

  @Test
  void theSessionsStartedFactsCountEverySessionOnce() {
    var started = events.stream().flatMap(e -> e.sessionsStarted().stream()).toList();

    assertEquals(32, started.size());
    assertEquals(32, started.stream().map(SessionStarted::sessionId).distinct().count());
    assertEquals(93, events.stream().mapToInt(e -> e.feed().size()).sum());
  }

  @Test
  void sessionTouchpointsAreKnownChannels() {
    var known = Set.copyOf(JourneyTest.CHANNELS.channels());
    var seen = new TreeSet<String>();
    state.users.values().forEach(j -> j.sessions().forEach(s -> seen.add(s.channel())));

    assertTrue(known.containsAll(seen), () -> "unknown channels in " + seen);
    assertTrue(seen.containsAll(Set.of("Organic Search", "Direct", "Referral", "Paid Search")), () -> "channels " + seen);
  }

  @Test
  void someButNotAllSessionsAreEngaged() {
    var engaged = events.stream().mapToLong(e -> e.sessionsEngaged().size()).sum();
    var engagedInState = state.users.values().stream().flatMap(j -> j.sessions().stream()).filter(Session::engaged).count();

    assertEquals(engagedInState, engaged);
    assertTrue(engaged > 0 && engaged < 32, () -> engaged + " engaged sessions");
  }
}
