package dev.beacon.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beacon.event.EventType;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** The journal form of campaign events. */
class CampaignEventSerializerTest {
  private final CampaignEventSerializer serializer = new CampaignEventSerializer();

  @Test
  void everyCountedEventAndOffsetRoundTripsExactly() throws Exception {
    var counted = new ArrayList<CampaignState.Counted>();
    for (var type : EventType.values()) {
      counted.add(new CampaignState.Counted(type, 1_715_342_400_000L + type.ordinal(), type.ordinal() * 1_250_000L,
          type == EventType.VIEW ? 42_000 : 0, type.ordinal() % 2 == 0 ? "s-" + type.ordinal() : null,
          -4_611_686_018_427_387_904L + type.ordinal(), type.ordinal() % 3 != 0));
    }
    var offsets = new LinkedHashMap<String, Long>();
    offsets.put("beacon.events-0", 17L);
    offsets.put("beacon.events-7", 1_000_000_000_000L);
    var event = new Campaign.EventsApplied(counted, offsets, 1_715_342_500_000L);

    var back = serializer.fromBinary(serializer.toBinary(event), serializer.manifest(event));
    assertEquals(event, back);
  }

  @Test
  void aBudgetAndAJudgedHourWithItsAlertsRoundTripExactly() throws Exception {
    var hour = java.time.Instant.parse("2024-05-10T11:00:00Z");
    var events = java.util.List.of(new Campaign.BudgetSet(250_500_000L), new Campaign.HourJudged(hour.toEpochMilli(), java.util.List.of()),
        new Campaign.HourJudged(hour.toEpochMilli(), java.util.List.of(
            new Alert(Alert.CTR, hour, 0.25, 5.0, -12.3456, Alert.BELOW),
            new Alert(Alert.BUDGET_PACE, hour, 180.5, 100.0, 1.805, Alert.ABOVE))));
    for (var event : events) assertEquals(event, serializer.fromBinary(serializer.toBinary(event), serializer.manifest(event)));
  }

  @Test
  void anUnknownManifestIsAClearFailure() {
    var event = new Campaign.EventsApplied(java.util.List.of(), java.util.Map.of(), 0);
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(serializer.toBinary(event), "Other.1"));
  }
}
