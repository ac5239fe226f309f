package dev.beacon.behaviour;

import com.typesafe.config.Config;

/**
 * {@code beacon.behaviour}: the engagement score's weights, the segments, and the invalid-traffic
 * rules with whether attribution leaves flagged events out.
 *
 * @param enabled {@code enabled = off}: no engagement score is kept and no invalid-traffic rule
 *     runs (the rules are {@link TrafficRules#NONE}, the activity they judge by is not kept); the
 *     segments still apply. What the rules cost is the difference ({@code bench --no-behaviour}).
 * @param excludeInvalidFromAttribution {@code invalid-traffic.attribution = exclude}: a flagged event
 *     builds no session, touchpoint or conversion (it still counts raw in its campaign); {@code
 *     include} keeps it in journeys. The bandit learns from no flagged conversion either way.
 */
public record BehaviourSettings(boolean enabled, EngagementScore.Weights engagement, Segments segments, TrafficRules traffic,
    Activity.Limits limits, boolean excludeInvalidFromAttribution) {

  /** Every key is in application.conf, the one source of defaults. */
  public static BehaviourSettings from(Config c) {
    var e = c.getConfig("engagement");
    var weights = new EngagementScore.Weights(e.getDouble("event-weight"), e.getDouble("engaged-second-weight"),
        e.getDouble("page-view-weight"), e.getDouble("conversion-weight"), e.getDuration("half-life"), e.getDouble("scale"));
    var t = c.getConfig("invalid-traffic");
    var enabled = c.getBoolean("enabled");
    var rules = enabled ? TrafficRules.from(t) : TrafficRules.NONE;
    var limits = new Activity.Limits(t.getDuration("velocity-window"), t.getLong("max-events-per-window"),
        t.getDuration("repeat-click-window"), t.getDuration("unengaged-click-window"));
    var attribution = t.getString("attribution");
    if (!attribution.equals("exclude") && !attribution.equals("include")) {
      throw new IllegalArgumentException("beacon.behaviour.invalid-traffic.attribution: exclude or include, got '"
          + attribution + "'");
    }
    return new BehaviourSettings(enabled, weights, Segments.from(c), rules, limits, attribution.equals("exclude"));
  }
}
