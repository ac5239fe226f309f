package dev.beacon.behaviour;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.beacon.common.CborSerializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What the SIVT rules keep of one user, in event time: the user's current velocity window (its
 * start and the events in it), their latest click (its campaign and time) and whether anything
 * engaging (engagement time, a page view, a conversion) came after it. Immutable; the
 * journey folds every event of the user into it, flagged or not (a bot's traffic is what the
 * rules measure), and judges each new event on the activity before it. Late events that fall in
 * an earlier window than the current one are not counted again (one window is kept). In
 * snapshots an array: add fields at the end only.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"windowStartMillis", "windowEvents", "lastClickCampaign", "lastClickMillis", "engagedSinceClick"})
public record Activity(long windowStartMillis, long windowEvents, String lastClickCampaign, long lastClickMillis,
    boolean engagedSinceClick) implements CborSerializable {

  public static final Activity NONE = new Activity(Long.MIN_VALUE, 0, null, Long.MIN_VALUE, false);

  /**
   * The limits of the SIVT rules.
   *
   * @param velocityWindow the length of a velocity window (windows are aligned to the epoch)
   * @param maxEventsPerWindow a user's events beyond this many in one window are flagged
   * @param repeatClickWindow a click on the campaign of the user's previous click within this is flagged
   * @param unengagedClickWindow a click within this of the user's previous click, with nothing
   *     engaging between them, is flagged (the earlier click had no engagement after it); zero: off
   */
  public record Limits(Duration velocityWindow, long maxEventsPerWindow, Duration repeatClickWindow,
      Duration unengagedClickWindow) {
    public Limits {
      if (velocityWindow.isNegative() || velocityWindow.isZero()) {
        throw new IllegalArgumentException("beacon.behaviour.invalid-traffic.velocity-window: must be positive");
      }
      if (maxEventsPerWindow < 1) {
        throw new IllegalArgumentException("beacon.behaviour.invalid-traffic.max-events-per-window: at least 1");
      }
    }
  }

  /** The SIVT reason an event at {@code timestampMillis} is flagged for, given this activity before it; null if none. */
  public InvalidTraffic judge(long timestampMillis, boolean click, String campaign, Limits limits) {
    var repeated = judgeRepeats(timestampMillis, click, campaign, limits);
    if (repeated != null) return repeated;
    var unengaged = limits.unengagedClickWindow().toMillis();
    if (click && unengaged > 0 && lastClickMillis != Long.MIN_VALUE && !engagedSinceClick
        && timestampMillis >= lastClickMillis && timestampMillis - lastClickMillis <= unengaged) {
      return InvalidTraffic.SIVT_UNENGAGED_CLICK;
    }
    return null;
  }

  private InvalidTraffic judgeRepeats(long timestampMillis, boolean click, String campaign, Limits limits) {
    if (window(timestampMillis, limits) == windowStartMillis && windowEvents >= limits.maxEventsPerWindow()) {
      return InvalidTraffic.SIVT_VELOCITY;
    }
    if (click && lastClickMillis != Long.MIN_VALUE && Objects.equals(campaign, lastClickCampaign)
        && timestampMillis >= lastClickMillis && timestampMillis - lastClickMillis <= limits.repeatClickWindow().toMillis()) {
      return InvalidTraffic.SIVT_REPEATED_CLICK;
    }
    return null;
  }

  /** This activity with one more event ({@code engaging}: engagement time, a page view or a conversion). */
  public Activity plus(long timestampMillis, boolean click, boolean engaging, String campaign, Limits limits) {
    var window = window(timestampMillis, limits);
    var start = windowStartMillis;
    var events = windowEvents;
    if (window == start) {
      events++;
    } else if (window > start) {
      start = window;
      events = 1;
    }
    var clicked = click && timestampMillis >= lastClickMillis;
    var engaged = clicked ? false : engagedSinceClick || engaging && timestampMillis >= lastClickMillis;
    return new Activity(start, events, clicked ? campaign : lastClickCampaign, clicked ? timestampMillis : lastClickMillis,
        engaged);
  }

  private static long window(long timestampMillis, Limits limits) {
    var length = limits.velocityWindow().toMillis();
    return Math.floorDiv(timestampMillis, length) * length;
  }
}
