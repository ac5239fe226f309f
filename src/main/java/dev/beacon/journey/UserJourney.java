package dev.beacon.journey;

import dev.beacon.attribution.Touchpoint;
import dev.beacon.attribution.Touchpoints;
import dev.beacon.common.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a bucket keeps of one user: the latest sessions (one touchpoint each) in the order they
 * started, the latest counted conversions with their credits, the latest transaction ids (for
 * conversion dedup), when the user last converted and was last active (event time, millis).
 * Immutable: {@link JourneyLogic} returns a new one, so the command handler can work out what a
 * batch would do without touching the state. Lists, not sets: their order decides what is
 * dropped first and must survive a snapshot.
 */
record UserJourney(List<Session> sessions, List<Conversion> conversions, List<String> transactionIds,
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

  boolean idleAt(long nowMillis, Duration retention) {
    return lastActiveMillis < nowMillis - retention.toMillis();
  }
}
