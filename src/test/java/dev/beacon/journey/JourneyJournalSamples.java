package dev.beacon.journey;

import dev.beacon.attribution.Credit;
import dev.beacon.attribution.PathChange;
import dev.beacon.behaviour.InvalidTraffic;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the journey package persists, one rich value per golden journal file: the file (serializer
 * and manifest) to the value its bytes were written from and must still read as.
 */
public final class JourneyJournalSamples {
  private static final long AT = 1_715_342_400_123L;
  private static final LocalDate DAY = LocalDate.of(2024, 5, 10);
  private static final String USER = "nutzer-ü-🚀";

  private JourneyJournalSamples() {}

  public static Map<String, Object> byGoldenFile() {
    return Map.of(
        "journey-events/IdsRecorded.1", new JourneyBucket.IdsRecorded(seen(), 1_715_342_500_000L),
        "journey-events/JourneysUpdated.1", journeysUpdated(),
        "journey-events/JourneysUpdated.2", restating(),
        "journey-events/JourneysUpdated.3", withDevices(),
        "journey-events/JourneysUpdated.4", withFlags(),
        "journey-events/JourneysUpdated.5", withConsents(),
        "journey-events/UserForgotten.1", forgotten(),
        "journey-events/JourneysExpired.1", new JourneyBucket.JourneysExpired(Long.MIN_VALUE + 7, AT),
        "jackson-cbor/dev.beacon.journey.JourneyState", state());
  }

  private static List<JourneyState.Seen> seen() {
    return List.of(
        new JourneyState.Seen(Long.MIN_VALUE, 0, 0, AT),
        new JourneyState.Seen(-7_000_000_000L, 7, 1_000_000_000_000L, AT + 5),
        new JourneyState.Seen(Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, -1));
  }

  private static JourneyBucket.JourneysUpdated journeysUpdated() {
    var hits = List.of(
        new Hit(USER, "session_start", AT, USER + ".1", "Email", "Frühjahr ✓", 0, 0, null, false, null),
        new Hit(USER, "page_view", AT + 1_000, USER + ".1", "Email", "(not set)", 12_345, 0, null, false, null),
        new Hit(USER, "purchase", AT + 60_000, USER + ".2", "Paid Search", "brand", 0, 129_990_000, "T-ü1", true, null),
        new Hit("user-2", "refund", -1, null, "Direct", "(not set)", Long.MAX_VALUE, -12_500_000, "T-ü1", false, null));
    return new JourneyBucket.JourneysUpdated("org-Zürich ✓", seen(), 1_715_342_500_000L, hits,
        List.of(new SessionStarted(USER, USER + ".1", DAY, AT, "Email", "Frühjahr ✓"),
            new SessionStarted(USER, USER + ".2", DAY, AT + 50_000, "Paid Search", "brand"),
            new SessionStarted("user-2", null, LocalDate.of(1969, 12, 31), -1, "Direct", "(not set)")),
        List.of(new SessionEngaged(USER, USER + ".1", DAY, "Email", "Frühjahr ✓")),
        List.of(conversion(), new Conversion("user-2", "refund", -1, LocalDate.of(1969, 12, 31), -12.5, null, null,
            List.of(), Map.of())),
        List.of(new PathChange(USER, List.of("Email"), 0, 0, -1),
            new PathChange(USER, List.of("Email", "Paid Search", "Email"), 1, 129.99, 1)),
        List.of(new FeedItem(AT, "session_start", USER, "Email", "Frühjahr ✓"),
            new FeedItem(AT + 60_000, "purchase", USER, "Paid Search", "brand")));
  }

  /** A batch that restates: what a late event changed comes off, its new version is among the facts. */
  private static JourneyBucket.JourneysUpdated restating() {
    var e = journeysUpdated();
    var restated = new LinkedHashMap<String, List<Credit>>();
    restated.put("first_click", List.of(new Credit("Direct", "(none)", 1, -0.0)));
    return new JourneyBucket.JourneysUpdated(e.organizationId(), e.seen(), e.appliedAtMillis(), e.hits(),
        e.sessionsStarted(), e.sessionsEngaged(), e.conversions(),
        List.of(new PathChange(USER, List.of("Direct"), -1, -129.99, 0), new PathChange(USER, List.of("Email"), 0, 0, -1)),
        e.feed(),
        List.of(new SessionStarted(USER, USER + ".1", DAY.plusDays(1), AT + 86_400_000, "Direct", "(not set)")),
        List.of(new SessionEngaged(USER, USER + ".1", DAY.plusDays(1), "Direct", "(not set)")),
        List.of(new Conversion(USER, "purchase", AT + 60_000, DAY, 129.99, "T-ü1", USER + ".2", List.of("Direct"), restated)), List.of());
  }

  /** A restating batch whose hits name the device type they came from (one named none). */
  private static JourneyBucket.JourneysUpdated withDevices() {
    var e = restating();
    var devices = new String[] {"mobile", null, "Tablet ✓", "desktop"};
    var hits = new java.util.ArrayList<Hit>();
    for (int i = 0; i < e.hits().size(); i++) {
      var h = e.hits().get(i);
      hits.add(new Hit(h.userId(), h.name(), h.timestampMillis(), h.sessionId(), h.channel(), h.campaign(),
          h.engagementMillis(), h.valueMicros(), h.transactionId(), h.conversion(), devices[i]));
    }
    return new JourneyBucket.JourneysUpdated(e.organizationId(), e.seen(), e.appliedAtMillis(), hits,
        e.sessionsStarted(), e.sessionsEngaged(), e.conversions(), e.pathChanges(), e.feed(), e.sessionsWithdrawn(),
        e.engagementsWithdrawn(), e.conversionsWithdrawn(), List.of());
  }

  /** A batch that also keeps what its events said of consent: each purpose granted, denied and not said. */
  static JourneyBucket.JourneysUpdated withConsents() {
    var e = withFlags();
    return new JourneyBucket.JourneysUpdated(e.organizationId(), e.seen(), e.appliedAtMillis(), e.hits(),
        e.sessionsStarted(), e.sessionsEngaged(), e.conversions(), e.pathChanges(), e.feed(), e.sessionsWithdrawn(),
        e.engagementsWithdrawn(), e.conversionsWithdrawn(), List.of(
            new JourneyState.ConsentKept(USER, new dev.beacon.event.Consent(true, false)),
            new JourneyState.ConsentKept("user-2", new dev.beacon.event.Consent(false, null)),
            new JourneyState.ConsentKept("user-3", new dev.beacon.event.Consent(null, true))));
  }

  static JourneyBucket.UserForgotten forgotten() {
    return new JourneyBucket.UserForgotten(dev.beacon.privacy.UserKeys.key("acme", USER), Long.MIN_VALUE + 1, AT);
  }

  /** A batch whose hits and ids carry invalid-traffic flags (some valid). */
  private static JourneyBucket.JourneysUpdated withFlags() {
    var e = withDevices();
    var flags = new InvalidTraffic[] {InvalidTraffic.GIVT_KNOWN_BOT, null, InvalidTraffic.SIVT_REPEATED_CLICK,
        InvalidTraffic.SIVT_VELOCITY};
    var hits = new java.util.ArrayList<Hit>();
    for (int i = 0; i < e.hits().size(); i++) hits.add(e.hits().get(i).flagged(flags[i]));
    var seen = new java.util.ArrayList<JourneyState.Seen>();
    for (int i = 0; i < e.seen().size(); i++) {
      var s = e.seen().get(i);
      seen.add(new JourneyState.Seen(s.digest(), s.partition(), s.offset(), s.appliedAtMillis(),
          i == 1 ? InvalidTraffic.GIVT_DATA_CENTER : null));
    }
    return new JourneyBucket.JourneysUpdated(e.organizationId(), seen, e.appliedAtMillis(), hits,
        e.sessionsStarted(), e.sessionsEngaged(), e.conversions(), e.pathChanges(), e.feed(), e.sessionsWithdrawn(),
        e.engagementsWithdrawn(), e.conversionsWithdrawn(), List.of());
  }

  private static Conversion conversion() {
    var credits = new LinkedHashMap<String, List<Credit>>();
    credits.put("linear", List.of(new Credit("Email", "Frühjahr ✓", 2.0 / 3, 86.66), new Credit("Paid Search", "brand",
        1.0 / 3, 43.33)));
    credits.put("last_click", List.of(new Credit("Paid Search", "brand", 1, 129.99)));
    return new Conversion(USER, "purchase", AT + 60_000, DAY, 129.99, "T-ü1", USER + ".2",
        List.of("Email", "Paid Search", "Email"), credits);
  }

  private static JourneyState state() {
    var state = new JourneyState();
    for (var s : seen()) state.recentIds.put(s.digest(), s);
    var sessions = List.of(
        new Session(USER + ".1", AT, AT + 1_000, "Email", "Frühjahr ✓", 2, 1, 12_345, true),
        new Session(USER + ".2", AT + 50_000, AT + 60_000, "Paid Search", "brand", 1, 0, 0, false));
    // written before event time: no recent events, settled before 0 (nothing), touched at its latest event;
    // and before totals (null): they count from the sessions and conversions the journey kept
    state.users.put(USER, new UserJourney(sessions, List.of(conversion()), List.of("T-ü1", "T-2"), AT + 60_000,
        AT + 60_000, null, List.of(), null, 0, AT + 60_000));
    state.users.put("user-2", new UserJourney(List.of(new Session(null, -1, -1, "Direct", "(not set)", 1, 1, 0, false)),
        List.of(), List.of(), UserJourney.NEVER, -1, null, List.of(), null, 0, -1));
    // the watermark these bytes carry (an event-time field of before issue 10) is read and left aside
    return state;
  }
}
