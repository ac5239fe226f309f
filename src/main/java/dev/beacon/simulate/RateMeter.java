package dev.beacon.simulate;

import java.util.Arrays;

/** Events per second over the last few whole seconds, from one-second buckets. Thread-safe. */
final class RateMeter {
  private final int windowSeconds;
  private final long[] seconds;
  private final long[] counts;

  RateMeter(int windowSeconds) {
    this.windowSeconds = windowSeconds;
    this.seconds = new long[windowSeconds + 1];
    this.counts = new long[windowSeconds + 1];
    Arrays.fill(seconds, Long.MIN_VALUE);
  }

  synchronized void record(long nowMillis) {
    var second = Math.floorDiv(nowMillis, 1000);
    var slot = (int) Math.floorMod(second, (long) seconds.length);
    if (seconds[slot] != second) {
      seconds[slot] = second;
      counts[slot] = 0;
    }
    counts[slot]++;
  }

  /** The mean rate over the window of whole seconds before the current one. */
  synchronized double perSecond(long nowMillis) {
    var current = Math.floorDiv(nowMillis, 1000);
    long sum = 0;
    for (int i = 0; i < seconds.length; i++) {
      if (seconds[i] >= current - windowSeconds && seconds[i] < current) sum += counts[i];
    }
    return (double) sum / windowSeconds;
  }
}
