package dev.beacon.ingest;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Event time → persisted latency, counted in 1 ms buckets up to one minute (later lands in the
 * last bucket). Lock-free and fixed in size, so it can record every event at any rate.
 */
public final class LatencyHistogram {
  private static final int BUCKETS = 60_001;
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  public void record(long millis) {
    counts.incrementAndGet((int) Math.max(0, Math.min(BUCKETS - 1, millis)));
  }

  public long count() {
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) n += counts.get(i);
    return n;
  }

  /** The latency in ms at or below which {@code quantile} (0..1) of the recorded events fall; -1 when empty. */
  public long percentile(double quantile) {
    var total = count();
    if (total == 0) return -1;
    var rank = (long) Math.ceil(quantile * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= Math.max(1, rank)) return i;
    }
    return BUCKETS - 1;
  }

  public void reset() {
    for (int i = 0; i < BUCKETS; i++) counts.set(i, 0);
  }
}
