package dev.beacon.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.projection.eventsourced.EventEnvelope;

/**
 * How far a projection runs behind the journal ({@code beacon.projection.lag}, by projection): for
 * each event it handled, the time from the event's write to the journal (its envelope's timestamp)
 * until the projection handled the group it came in. One clock difference per event, nothing
 * stored or queried. A projection that stops handling stops recording, so read it with the rate of
 * its count beside the journal's writes; an event written on another node carries that node's clock.
 */
public final class ProjectionLag {
  private final Timer lag;

  public ProjectionLag(MeterRegistry registry, String projection) {
    this.lag = Timer.builder("beacon.projection.lag")
        .description("time from an event's write to the journal until a projection handled it, by projection")
        .tags("projection", projection)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
  }

  /** The projection handled these events just now. */
  public void handled(List<? extends EventEnvelope<?>> envelopes) {
    var now = System.currentTimeMillis();
    for (var envelope : envelopes) lag.record(Math.max(0, now - envelope.timestamp()), TimeUnit.MILLISECONDS);
  }
}
