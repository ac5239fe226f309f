package dev.beacon.journey;

import dev.beacon.attribution.Credit;
import dev.beacon.attribution.PathChange;
import dev.beacon.attribution.RuleBasedAttribution;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignEventSerializer;
import dev.beacon.testing.TestKits;
import java.io.NotSerializableException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The journal form of journey events: bound by application.conf, exact round trips, compact, strict. */
class JourneyEventSerializerTest {
  private static final ActorTestKit testKit = ActorTestKit.create("JourneyEventSerializerTest", TestKits.eventSourcedConfig());
  private static final Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
  private static final LocalDate DAY = LocalDate.of(2024, 5, 10);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static JourneyBucket.JourneysUpdated batch(int users) {
    var seen = new ArrayList<JourneyState.Seen>();
    var hits = new ArrayList<Hit>();
    var started = new ArrayList<SessionStarted>();
    var feed = new ArrayList<FeedItem>();
    var changes = new ArrayList<PathChange>();
    for (var u = 0; u < users; u++) {
      var user = "user-" + u;
      for (var h = 0; h < 4; h++) {
        var at = 1_715_342_400_000L + u * 1000L + h;
        seen.add(new JourneyState.Seen(-7_000_000_000L * (h + 1) + u, u % 8, 1_000_000L + u * 4 + h, at + 5));
        hits.add(new Hit(user, h == 0 ? "session_start" : "page_view", at, user + ".1", "Paid Search",
            h % 2 == 0 ? "brand" : null, 1200, 0, null, false, h == 3 ? null : u % 2 == 0 ? "mobile" : "desktop"));
        feed.add(new FeedItem(at, "page_view", user, "Paid Search", "brand"));
      }
      started.add(new SessionStarted(user, user + ".1", DAY, 1_715_342_400_000L, "Paid Search", "brand"));
      changes.add(new PathChange(user, List.of("Email", "Paid Search"), 0, 0, 1));
    }
    var credits = new LinkedHashMap<String, List<Credit>>();
    credits.put(RuleBasedAttribution.LINEAR, List.of(new Credit("Email", "may", 0.5, 40.125), new Credit("Paid Search", "brand", 0.5, 40.125)));
    credits.put(RuleBasedAttribution.LAST_CLICK, List.of(new Credit("Paid Search", "brand", 1, 80.25)));
    var conversion = new Conversion("user-0", "purchase", 1_715_342_460_000L, DAY, 80.25, "T-ü1", "user-0.1",
        List.of("Email", "Paid Search"), credits);
    return new JourneyBucket.JourneysUpdated("acme", seen, 1_715_342_500_000L, hits, started,
        List.of(new SessionEngaged("user-0", "user-0.1", DAY, "Paid Search", "brand")), List.of(conversion),
        changes, feed);
  }

  private static Object roundTrip(Object event) throws Exception {
    var serializer = serialization.findSerializerFor(event);
    var bytes = serializer.toBinary(event);
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, event)).get();
  }

  @Test
  void journeyAndCampaignEventsAreBoundToTheirCompactSerializers() {
    assertInstanceOf(JourneyEventSerializer.class, serialization.findSerializerFor(batch(1)));
    assertInstanceOf(JourneyEventSerializer.class, serialization.findSerializerFor(new JourneyBucket.IdsRecorded(List.of(), 0)));
    assertInstanceOf(CampaignEventSerializer.class,
        serialization.findSerializerFor(new Campaign.EventsApplied(List.of(), java.util.Map.of(), 0)));
  }

  @Test
  void everyFactOfABatchRoundTripsExactly() throws Exception {
    var event = batch(25);
    assertEquals(event, roundTrip(event));
    var ids = new JourneyBucket.IdsRecorded(event.seen(), 99);
    assertEquals(ids, roundTrip(ids));
  }

  @Test
  void eachHitsDeviceTypeRoundTripsNoneIncluded() throws Exception {
    var event = batch(2);

    var back = (JourneyBucket.JourneysUpdated) roundTrip(event);

    assertEquals(Arrays.asList("mobile", "mobile", "mobile", null, "desktop", "desktop", "desktop", null),
        back.hits().stream().map(Hit::deviceType).toList());
  }

  @Test
  void theCompactFormIsAFractionOfCbor() throws Exception {
    var event = batch(25);
    var compact = serialization.findSerializerFor(event).toBinary(event).length;
    var cbor = serialization.serializerFor(dev.beacon.common.CborSerializable.class).toBinary(event).length;
    assertTrue(compact * 3 < cbor, "compact " + compact + " bytes, CBOR " + cbor);
  }

  @Test
  void aDamagedOrUnknownPayloadIsAClearFailure() {
    var serializer = new JourneyEventSerializer();
    var bytes = serializer.toBinary(batch(2));
    var damaged = assertThrows(NotSerializableException.class,
        () -> serializer.fromBinary(Arrays.copyOf(bytes, bytes.length - 10), JourneyEventSerializer.JOURNEYS_UPDATED));
    assertTrue(damaged.getMessage().contains(JourneyEventSerializer.JOURNEYS_UPDATED), damaged.getMessage());
    var unknown = assertThrows(NotSerializableException.class, () -> serializer.fromBinary(bytes, "JourneysUpdated.0"));
    assertTrue(unknown.getMessage().contains("unknown manifest"), unknown.getMessage());
  }
}
