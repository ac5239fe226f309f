package dev.beacon.journey;

import dev.beacon.behaviour.Activity;
import dev.beacon.behaviour.BehaviourSettings;
import dev.beacon.behaviour.InvalidTraffic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Decides, once, whether each event a bucket admits is invalid traffic: the GIVT rules on the
 * event alone, else the SIVT rules on the user's activity before it (their journey's, then the
 * batch's earlier events of theirs, in the order admitted). The flag is persisted with the hit and
 * the event's id ({@link JourneyState.Seen}): replay and redelivery read it back, never decide again.
 */
final class TrafficFlags {
  private TrafficFlags() {}

  /** The admission's hits, flagged, and the admission with the flags to record with their ids. */
  record Flagged(List<Hit> hits, JourneyState.Admission admission) {}

  /**
   * Flags {@code hits}, {@code hitOf.get(h)} being the position in the admission's admitted events
   * of the event of {@code hits.get(h)}.
   */
  static Flagged flag(JourneyState state, JourneyState.Admission admission, List<Hit> hits, List<Integer> hitOf,
      BehaviourSettings behaviour) {
    if (!behaviour.enabled()) return new Flagged(hits, admission);
    var activities = new HashMap<String, Activity>();
    var flagged = new ArrayList<Hit>(hits.size());
    var flags = new HashMap<Integer, InvalidTraffic>();
    for (int h = 0; h < hits.size(); h++) {
      var hit = hits.get(h);
      var event = admission.admitted().get(hitOf.get(h)).event();
      var activity = activities.computeIfAbsent(hit.userId(), user -> {
        var journey = state.users.get(user);
        return journey == null ? Activity.NONE : journey.totals().activity();
      });
      var flag = behaviour.traffic().judge(event.userAgent(), event.ipAddress());
      if (flag == null) flag = activity.judge(hit.timestampMillis(), hit.click(), hit.campaign(), behaviour.limits());
      activities.put(hit.userId(), activity.plus(hit.timestampMillis(), hit.click(), hit.engaging(), hit.campaign(), behaviour.limits()));
      flagged.add(hit.flagged(flag));
      if (flag != null) flags.put(hitOf.get(h), flag);
    }
    return new Flagged(flagged, admission.flagged(flags));
  }
}
