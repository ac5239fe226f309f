package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void percentilesAreTheLatencyAtOrBelowWhichThatShareFalls() {
    var histogram = new LatencyHistogram();
    for (long millis = 1; millis <= 1_000; millis++) histogram.record(millis);
    var h = histogram.snapshot();
    assertThat(h.getTotalCount()).isEqualTo(1_000);
    assertThat(h.getValueAtPercentile(50)).isEqualTo(500);
    assertThat(h.getValueAtPercentile(95)).isEqualTo(950);
    assertThat(h.getValueAtPercentile(99)).isEqualTo(990);
    assertThat(h.getMaxValue()).isEqualTo(1_000);
  }

  @Test
  void anEventFromTheFutureCountsAsNoLatencyAndALongOneIsKept() {
    var histogram = new LatencyHistogram();
    histogram.record(-40);
    histogram.record(90_000);
    var h = histogram.snapshot();
    assertThat(h.getMinValue()).isZero();
    assertThat(h.getMaxValue()).isCloseTo(90_000, Percentage.withPercentage(0.1));
  }

  @Test
  void snapshotsAccumulateUntilReset() {
    var histogram = new LatencyHistogram();
    histogram.record(7);
    assertThat(histogram.snapshot().getTotalCount()).isEqualTo(1);
    histogram.record(9);
    assertThat(histogram.snapshot().getTotalCount()).isEqualTo(2);
    histogram.reset();
    assertThat(histogram.snapshot().getTotalCount()).isZero();
    histogram.record(3);
    assertThat(histogram.snapshot().getMaxValue()).isEqualTo(3);
  }

  @Test
  void recordsFromManyThreadsAreAllCounted() throws Exception {
    var histogram = new LatencyHistogram();
    var pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      pool.execute(() -> {
        for (int i = 0; i < 25_000; i++) histogram.record(i % 100);
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(histogram.snapshot().getTotalCount()).isEqualTo(100_000);
  }
}
