package dev.beacon.journey;

import dev.beacon.common.CborSerializable;
import java.time.Duration;
import java.util.List;

/**
 * What a bucket keeps of one user: the latest sessions (one touchpoint each) in the order they
 * started, the latest counted conversions with their credits, the latest transaction ids (for
 * conversion dedup), when the user last converted and was last active (event time, millis).
 * Immutable: {@link JourneyLogic} returns a new one, so the command handler can work out what a
 * batch would do without touching the state. Lists, not sets: their order decides what is
 * dropped first and must survive a snapshot.
 */
record UserJourney(List<Session> sessions, List<Journey.Conversion> conversions, List<String> transactionIds,
    long lastConversionMillis, long lastActiveMillis) implements CborSerializable {

  static final long NEVER = Long.MIN_VALUE;
  static final UserJourney EMPTY = new UserJourney(List.of(), List.of(), List.of(), NEVER, NEVER);

  UserJourney {
    sessions = List.copyOf(sessions);
    conversions = List.copyOf(conversions);
    transactionIds = List.copyOf(transactionIds);
  }

  /** One touch per stored session, in the order the sessions started. */
  List<Touchpoint> touchpoints() {
    return sessions.stream().map(Session::touchpoint).toList();
  }

  /**
   * The channel path of the journey not converted yet, as the data-driven models count it: the
   * touches after the last conversion, within the lookback before the latest of them, collapsed
   * like the touches of a conversion. Empty when no touch came after the last conversion.
   */
  List<String> openPath(Duration lookback) {
    var open = sessions.stream().filter(s -> s.startMillis() > lastConversionMillis).map(Session::touchpoint).toList();
    if (open.isEmpty()) return List.of();
    var latest = open.stream().mapToLong(Touchpoint::timestampMillis).max().orElseThrow();
    return Touchpoints.collapse(Touchpoints.within(open, latest, lookback)).stream().map(Touchpoint::channel).toList();
  }

  boolean idleAt(long nowMillis, Duration retention) {
    return lastActiveMillis < nowMillis - retention.toMillis();
  }
}
