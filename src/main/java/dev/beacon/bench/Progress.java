package dev.beacon.bench;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A progress line every two seconds while a bench stage works: done, total, current rate. */
final class Progress implements AutoCloseable {
  private final AtomicLong done = new AtomicLong();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    var t = new Thread(r, "bench-progress");
    t.setDaemon(true);
    return t;
  });
  private final long started = System.nanoTime();

  Progress(PrintStream out, String stage, long total) {
    var last = new long[] {0, System.nanoTime()};
    timer.scheduleAtFixedRate(() -> {
      var now = System.nanoTime();
      var value = done.get();
      var rate = (value - last[0]) / ((now - last[1]) / 1e9);
      last[0] = value;
      last[1] = now;
      out.printf("  %-40s %,12d / %,d  (%,.0f/s, %.0f s)%n", stage, value, total, rate, (now - started) / 1e9);
    }, 2, 2, TimeUnit.SECONDS);
  }

  void set(long value) {
    done.set(value);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
