package dev.beacon.ingest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Event time → persisted latency in ms. The stream's threads record into an HdrHistogram
 * {@link Recorder} (wait-free, growing to any value); readers get a copy of everything recorded
 * since the last reset. Three significant digits: exact to the millisecond below 2,048 ms,
 * within 0.1% above.
 */
public final class LatencyHistogram {
  private static final int SIGNIFICANT_DIGITS = 3;
  private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
  private final Histogram recorded = new Histogram(SIGNIFICANT_DIGITS); // guarded by this

  public void record(long millis) {
    // an event stamped ahead of this host's clock counts as no latency
    recorder.recordValue(Math.max(0, millis));
  }

  /** Everything recorded since the last reset; read percentiles with {@code getValueAtPercentile(50)}. */
  public synchronized Histogram snapshot() {
    recorded.add(recorder.getIntervalHistogram());
    return recorded.copy();
  }

  public synchronized void reset() {
    recorder.reset();
    recorded.reset();
  }
}
