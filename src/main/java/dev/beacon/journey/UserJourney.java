package dev.beacon.journey;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.beacon.attribution.Touchpoint;
import dev.beacon.attribution.Touchpoints;
import dev.beacon.common.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a bucket keeps of one user. The journey as the queries and the models see it: the latest
 * sessions (one touchpoint each) in the order they started, the latest counted conversions with
 * their credits, the latest transaction ids (for conversion dedup), when the user last converted,
 * the user's latest event time (millis) and what all the user's events add up to ({@link
 * JourneyTotals}, read as a {@link JourneyProfile}). And what it takes to put a late event where it
 * happened ({@link JourneyLogic}): the user's {@code recent} events within the allowed lateness
 * of the latest one, in event-time order, and the {@code settled} journey they were applied to
 * (null when nothing is recent: then this journey is settled); an event earlier than
 * {@code settledBefore} can no longer change the journey. A new user's settled journey is
 * {@link #EMPTY}, kept as null. {@code touchedAtMillis} is when a batch
 * last brought the user an event (processing time, for the idle retention).
 *
 * <p>Immutable: {@link JourneyLogic} returns a new one, so the command handler can work out what
 * a batch would do without touching the state. Lists, not sets: their order decides what is
 * dropped first and must survive a snapshot. A journey written before event time came in (no
 * recent events, no settled journey) reads as settled; one written before totals were kept
 * counts them from the sessions and conversions it kept.
 */
record UserJourney(List<Session> sessions, List<Conversion> conversions, List<String> transactionIds,
    long lastConversionMillis, long lastActiveMillis, JourneyTotals totals,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Hit> recent,
    @JsonInclude(JsonInclude.Include.NON_NULL) UserJourney settled,
    long settledBefore, long touchedAtMillis) implements CborSerializable {

  static final long NEVER = Long.MIN_VALUE;
  static final UserJourney EMPTY = new UserJourney(List.of(), List.of(), List.of(), NEVER, NEVER, JourneyTotals.NONE,
      List.of(), null, NEVER, NEVER);

  UserJourney {
    sessions = List.copyOf(sessions);
    conversions = List.copyOf(conversions);
    transactionIds = List.copyOf(transactionIds);
    if (totals == null) totals = JourneyTotals.of(sessions, conversions);
    recent = recent == null ? List.of() : List.copyOf(recent);
    if (recent.isEmpty()) settled = null;
    // a snapshot from before the retention counted in processing time: its latest event time stands in
    if (touchedAtMillis == 0) touchedAtMillis = lastActiveMillis;
  }

  /** The journey the recent events were applied to: this one when nothing is recent. */
  UserJourney settledJourney() {
    if (recent.isEmpty()) return this;
    return settled == null ? EMPTY : settled;
  }

  /** This journey with these recent events applied to {@code settled}, settled before {@code settledBefore}. */
  UserJourney withRecent(List<Hit> recent, UserJourney settled, long settledBefore) {
    var kept = recent.isEmpty() || settled.isEmpty() ? null : settled.bare();
    return new UserJourney(sessions, conversions, transactionIds, lastConversionMillis, lastActiveMillis, totals, recent,
        kept, settledBefore, touchedAtMillis);
  }

  /** Whether nothing happened in this journey yet. */
  boolean isEmpty() {
    return sessions.isEmpty() && conversions.isEmpty() && transactionIds.isEmpty() && lastActiveMillis == NEVER
        && lastConversionMillis == NEVER;
  }

  /** The journey alone, without what re-deriving it takes. */
  UserJourney bare() {
    if (recent.isEmpty()) return this;
    return new UserJourney(sessions, conversions, transactionIds, lastConversionMillis, lastActiveMillis, totals,
        List.of(), null, settledBefore, touchedAtMillis);
  }

  UserJourney touchedAt(long millis) {
    return new UserJourney(sessions, conversions, transactionIds, lastConversionMillis, lastActiveMillis, totals,
        recent, settled, settledBefore, millis);
  }

  /** The user's all-time profile, with every purpose granted (the bucket sets the user's consent: {@link JourneyProfile#withConsent}). */
  JourneyProfile profile() {
    var purchased = totals.purchases() > 0;
    return new JourneyProfile(totals.purchases(), totals.spentMicros() / JourneyLogic.MICROS,
        purchased ? totals.firstPurchaseMillis() : null, purchased ? lastConversionMillis : null, totals.sessions(),
        totals.engagedSessions(), totals.pageViews(), totals.deviceType(), totals.channel(), lastActiveMillis, true, true);
  }

  /**
   * The earliest event time that can still change this journey: events before it are too late.
   * The allowed lateness before the latest event, or later where the recent events were bounded.
   */
  long lateBefore(Duration allowedLateness) {
    if (lastActiveMillis == NEVER) return settledBefore;
    return Math.max(settledBefore, lastActiveMillis - allowedLateness.toMillis());
  }

  /** One touch per stored session, in the order the sessions started. */
  List<Touchpoint> touchpoints() {
    return touchpoints(sessions);
  }

  static List<Touchpoint> touchpoints(List<Session> sessions) {
    var touches = new ArrayList<Touchpoint>(sessions.size());
    for (var session : sessions) touches.add(session.touchpoint());
    return touches;
  }

  /**
   * The channel path of the journey not converted yet, as the data-driven models count it: the
   * touches after the last conversion, within the lookback before the latest of them, collapsed
   * like the touches of a conversion. Empty when no touch came after the last conversion.
   */
  List<String> openPath(Duration lookback) {
    var open = new ArrayList<Touchpoint>();
    var latest = Long.MIN_VALUE;
    for (var session : sessions) {
      if (session.startMillis() <= lastConversionMillis) continue;
      open.add(session.touchpoint());
      latest = Math.max(latest, session.startMillis());
    }
    if (open.isEmpty()) return List.of();
    var collapsed = Touchpoints.collapse(Touchpoints.within(open, latest, lookback));
    var path = new ArrayList<String>(collapsed.size());
    for (var touch : collapsed) path.add(touch.channel());
    return path;
  }

  /** Whether no batch brought this user an event within the retention before {@code nowMillis} (processing time). */
  boolean idleAt(long nowMillis, Duration retention) {
    return nowMillis != NEVER && touchedAtMillis < nowMillis - retention.toMillis();
  }
}
