package dev.beacon.campaign;

import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.event.EventType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the campaign package persists, one rich value per golden journal file: the file (serializer
 * and manifest) to the value its bytes were written from and must still read as.
 */
public final class CampaignJournalSamples {
  private CampaignJournalSamples() {}

  public static Map<String, Object> byGoldenFile() {
    return Map.of(
        "campaign-events/EventsApplied.1", eventsApplied(),
        "campaign-events/EventsApplied.2", flagged(),
        "campaign-events/BudgetSet.1", new Campaign.BudgetSet(1_000_000_000_000_000L),
        "campaign-events/HourJudged.1", hourJudged(),
        "jackson-cbor/dev.beacon.campaign.CampaignState", state(),
        "jackson-cbor/dev.beacon.campaign.OrganizationCampaigns$CampaignsRegistered",
        new OrganizationCampaigns.CampaignsRegistered(Set.of("camp_123", "Frühjahr ✓ 🚀", "キャンペーン")),
        "jackson-cbor/dev.beacon.campaign.OrganizationCampaigns$State",
        new OrganizationCampaigns.State(new TreeSet<>(Set.of("camp_123", "Frühjahr ✓ 🚀", "キャンペーン"))));
  }

  private static Campaign.EventsApplied eventsApplied() {
    var at = 1_715_342_400_123L;
    // every type; money in micros (a cost, a conversion value, a refund), session ids named twice, null and unicode
    var counted = List.of(
        new CampaignState.Counted(EventType.IMPRESSION, at, 1_510_000, 0, "s-1", Long.MIN_VALUE, true),
        new CampaignState.Counted(EventType.CLICK, at + 1, 2_250_000, 0, "s-1", -4_611_686_018_427_387_904L, true),
        new CampaignState.Counted(EventType.CONVERSION, at + 2, 49_990_000, 0, "sitzung-ü-🚀", 7, false),
        new CampaignState.Counted(EventType.VIEW, at + 3, 0, 42_000, null, Long.MAX_VALUE, false),
        new CampaignState.Counted(EventType.ENGAGEMENT, -86_400_001, -12_500_000, 1, "", 0, true),
        new CampaignState.Counted(EventType.COMPLETION, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, "s-1", -1, true),
        new CampaignState.Counted(EventType.SKIP, 0, 0, 0, "sitzung-ü-🚀", 123_456_789_012L, false));
    var offsets = new LinkedHashMap<String, Long>();
    offsets.put("beacon.events-0", 0L);
    offsets.put("beacon.events-7", 1_000_000_000_000L);
    offsets.put("s-1", 17L);
    return new Campaign.EventsApplied(counted, offsets, 1_715_342_500_000L);
  }

  private static Campaign.HourJudged hourJudged() {
    var hour = Instant.ofEpochMilli(1_715_342_400_000L);
    // every measure and direction; a score that is tiny, one past any real one, fractions that binary cannot hold
    return new Campaign.HourJudged(hour.toEpochMilli(), List.of(
        new Alert(Alert.CTR, hour, 0.1, 5.0004, -12.3456, Alert.BELOW),
        new Alert(Alert.CONVERSION_RATE, hour, 99.9999, 0, Double.MAX_VALUE, Alert.ABOVE),
        new Alert(Alert.SPEND_PACE, Instant.EPOCH, -0.0, 1e-300, -Double.MIN_VALUE, Alert.BELOW),
        new Alert(Alert.BUDGET_PACE, hour.minusMillis(1), 1_000_000.123456, 520.833333, 1920.0001, Alert.ABOVE)));
  }

  /** The same batch with some events flagged as invalid traffic. */
  private static Campaign.EventsApplied flagged() {
    var e = eventsApplied();
    var flags = InvalidTraffic.values();
    var counted = new java.util.ArrayList<CampaignState.Counted>();
    for (int i = 0; i < e.counted().size(); i++) {
      var c = e.counted().get(i);
      counted.add(new CampaignState.Counted(c.type(), c.timestampMillis(), c.valueMicros(), c.durationMillis(),
          c.sessionId(), c.digest(), c.hasUser(), i % 2 == 0 ? flags[i / 2 % flags.length] : null));
    }
    return new Campaign.EventsApplied(counted, e.offsets(), e.appliedAtMillis());
  }

  private static CampaignState state() {
    var state = new CampaignState();
    state.total = counters(1);
    state.minutes.put(28_589_040L, counters(2));
    state.minutes.put(28_589_041L, counters(3));
    state.days.put(19_853L, counters(5));
    state.days.put(-1L, counters(7));
    state.offsets.put("beacon.events-0", 0L);
    state.offsets.put("beacon.events-7", 1_000_000_000_000L);
    state.recentIds.put(Long.MIN_VALUE, 1_715_342_400_000L);
    state.recentIds.put(-7L, 1_715_342_400_001L);
    state.recentIds.put(Long.MAX_VALUE, 1_715_342_399_999L);
    state.sessions.put("sitzung-ü-🚀", new CampaignState.OpenSession(28_589_040L, 19_853L, 1, 1_715_342_400_123L));
    state.sessions.put("s-1", new CampaignState.OpenSession(28_589_039L, 19_853L, 4, 1_715_342_460_000L));
    state.latestEventMillis = 1_715_342_460_000L;
    return state;
  }

  private static Counters counters(long scale) {
    var counters = new Counters();
    for (var i = 0; i < counters.counts.length; i++) counters.counts[i] = scale * (i + 1) * 1_000_003L;
    counters.spendMicros = scale * 151_000_000L;
    counters.conversionValueMicros = scale * 4_999_000_000L;
    counters.viewDurationMillis = scale * 42_000L;
    counters.sessions = scale * 11;
    counters.singleEventSessions = scale * 3;
    return counters;
  }
}
