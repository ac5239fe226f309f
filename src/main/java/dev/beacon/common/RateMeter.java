package dev.beacon.common;

import java.util.Arrays;

/**
 * Events per second over the last few whole seconds, from one-second buckets: the simulator's
 * send rate and the ingest stream's consumption rate. The second in progress is not counted until
 * it is over. Thread-safe.
 */
public final class RateMeter {
  private final int windowSeconds;
  // one slot more than the window, so the second in progress never overwrites one still counted
  private final long[] seconds;
  private final long[] counts;

  public RateMeter(int windowSeconds) {
    this.windowSeconds = windowSeconds;
    this.seconds = new long[windowSeconds + 1];
    this.counts = new long[windowSeconds + 1];
    Arrays.fill(seconds, Long.MIN_VALUE);
  }

  public void record(long nowMillis) {
    record(nowMillis, 1);
  }

  public synchronized void record(long nowMillis, long events) {
    var second = Math.floorDiv(nowMillis, 1000);
    var slot = (int) Math.floorMod(second, (long) seconds.length);
    if (seconds[slot] != second) {
      seconds[slot] = second;
      counts[slot] = 0;
    }
    counts[slot] += events;
  }

  /** The mean rate over the window of whole seconds before the current one. */
  public synchronized double perSecond(long nowMillis) {
    var current = Math.floorDiv(nowMillis, 1000);
    long sum = 0;
    for (int i = 0; i < seconds.length; i++) {
      if (seconds[i] >= current - windowSeconds && seconds[i] < current) sum += counts[i];
    }
    return (double) sum / windowSeconds;
  }
}
