package dev.beacon.journey;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.beacon.behaviour.Activity;
import dev.beacon.behaviour.BehaviourSettings;
import dev.beacon.behaviour.EngagementScore;
import dev.beacon.common.CborSerializable;
import java.util.List;

/**
 * What a journey counts over all of its user's events, not only the latest sessions and
 * conversions it keeps: counted conversions (after the transaction-id dedup) with their value in
 * micros and the first one's time, sessions opened, sessions engaged, page views, and the device
 * type and channel of the user's latest event (the channel its session came from; the latest
 * device an event named). {@link JourneyLogic} folds them with the journey in event time, so a
 * late event that derives the journey again from its settled part restates them too. A few
 * numbers per user: in snapshots an array, add fields at the end only. Beside them, the user's
 * engagement score and the activity the invalid-traffic rules judge new events by.
 *
 * @param firstPurchaseMillis event time of the first counted conversion, {@link UserJourney#NEVER} without one
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"purchases", "spentMicros", "firstPurchaseMillis", "sessions", "engagedSessions", "pageViews",
    "deviceType", "channel", "engagement", "activity"})
record JourneyTotals(long purchases, long spentMicros, long firstPurchaseMillis, long sessions, long engagedSessions,
    long pageViews, String deviceType, String channel, EngagementScore engagement, Activity activity)
    implements CborSerializable {

  static final JourneyTotals NONE = new JourneyTotals(0, 0, UserJourney.NEVER, 0, 0, 0, null, null,
      EngagementScore.NONE, Activity.NONE);

  JourneyTotals {
    // totals kept before behaviour was: the score and activity start from the next event
    if (engagement == null) engagement = EngagementScore.NONE;
    if (activity == null) activity = Activity.NONE;
  }

  /**
   * The totals of a journey kept before there were any (an older snapshot): what its kept
   * sessions and conversions add up to, so they count from there on; the device is unknown until
   * the user's next event.
   */
  static JourneyTotals of(List<Session> sessions, List<Conversion> conversions) {
    var spent = 0L;
    var first = UserJourney.NEVER;
    for (var c : conversions) {
      spent += Math.round(c.value() * JourneyLogic.MICROS);
      first = first == UserJourney.NEVER ? c.timestampMillis() : Math.min(first, c.timestampMillis());
    }
    var engaged = 0L;
    var pageViews = 0L;
    Session latest = null;
    for (var s : sessions) {
      if (s.engaged()) engaged++;
      pageViews += s.pageViews();
      if (latest == null || s.endMillis() >= latest.endMillis()) latest = s;
    }
    return new JourneyTotals(conversions.size(), spent, first, sessions.size(), engaged, pageViews, null,
        latest == null ? null : latest.channel(), EngagementScore.NONE, Activity.NONE);
  }

  /**
   * These totals with one more event, the latest in event time so far: {@code opened} when it
   * opened a session, {@code engaged} when it made its session engaged, {@code counted} when it is
   * a counted conversion; {@code channel} is its session's. It scores engagement and counts in the
   * activity the invalid-traffic rules judge by, unless behaviour is off ({@code beacon.behaviour.enabled}).
   */
  JourneyTotals plus(Hit hit, String channel, boolean opened, boolean engaged, boolean counted, BehaviourSettings behaviour) {
    var pageView = JourneyLogic.PAGE_VIEW.equals(hit.name());
    return new JourneyTotals(purchases + (counted ? 1 : 0), spentMicros + (counted ? hit.valueMicros() : 0),
        counted && purchases == 0 ? hit.timestampMillis() : firstPurchaseMillis, sessions + (opened ? 1 : 0),
        engagedSessions + (engaged ? 1 : 0), pageViews + (pageView ? 1 : 0),
        hit.deviceType() != null ? hit.deviceType() : deviceType, channel,
        behaviour.enabled()
            ? engagement.plus(hit.timestampMillis(), hit.engagementMillis(), pageView, counted, behaviour.engagement())
            : engagement,
        behaviour.enabled()
            ? activity.plus(hit.timestampMillis(), hit.click(), hit.engaging(), hit.campaign(), behaviour.limits())
            : activity);
  }

  /** These totals with a flagged event that journeys leave out: it counts in the activity only. */
  JourneyTotals plusInvalid(Hit hit, BehaviourSettings behaviour) {
    return new JourneyTotals(purchases, spentMicros, firstPurchaseMillis, sessions, engagedSessions, pageViews, deviceType,
        channel, engagement, activity.plus(hit.timestampMillis(), hit.click(), hit.engaging(), hit.campaign(), behaviour.limits()));
  }
}
