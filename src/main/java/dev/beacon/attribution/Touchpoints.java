package dev.beacon.attribution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

/** Helpers over a journey's touches, shared by the journey and the rule-based models. */
public final class Touchpoints {
  private static final long DAY_MILLIS = 86_400_000L;

  private Touchpoints() {}

  /**
   * The touches in time order with repeated touches of one channel on one UTC day collapsed to
   * the first of that day (whatever the campaign). Touches with equal timestamps keep their
   * given order. Idempotent.
   */
  public static List<Touchpoint> collapse(List<Touchpoint> touches) {
    var seen = new HashSet<ChannelDay>();
    var kept = new ArrayList<Touchpoint>();
    for (var touch : chronological(touches)) {
      if (seen.add(new ChannelDay(touch.channel(), Math.floorDiv(touch.timestampMillis(), DAY_MILLIS)))) kept.add(touch);
    }
    return List.copyOf(kept);
  }

  /**
   * The touches that may get credit for a conversion at {@code conversionMillis}: not after it,
   * and at most {@code lookback} before it (the boundary itself counts), in time order.
   */
  public static List<Touchpoint> within(List<Touchpoint> touches, long conversionMillis, Duration lookback) {
    var from = conversionMillis - lookback.toMillis();
    return chronological(touches).stream()
        .filter(t -> t.timestampMillis() >= from && t.timestampMillis() <= conversionMillis)
        .toList();
  }

  /** A stable sort by time: ties keep their given order. */
  static List<Touchpoint> chronological(List<Touchpoint> touches) {
    var sorted = new ArrayList<>(touches);
    sorted.sort(Comparator.comparingLong(Touchpoint::timestampMillis));
    return sorted;
  }

  private record ChannelDay(String channel, long epochDay) {}
}
