package dev.beacon.ops;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters that are read rather than counted: the consumers' lag per partition ({@link
 * ConsumerLag}) and what Cluster Sharding holds on this node ({@link ShardingMeters}), read every
 * {@code beacon.metrics.interval}, one poll at a time, until the actor system stops.
 */
public final class PolledMeters {
  private static final Logger log = LoggerFactory.getLogger(PolledMeters.class);
  private final ConsumerLag lag;
  private final ShardingMeters sharding;
  private final AtomicBoolean polling = new AtomicBoolean();

  private PolledMeters(ConsumerLag lag, ShardingMeters sharding) {
    this.lag = lag;
    this.sharding = sharding;
  }

  public static void start(ActorSystem<?> system, MeterRegistry registry, Duration interval, List<ConsumerLag.Source> consumers) {
    var meters = new PolledMeters(new ConsumerLag(registry, consumers), new ShardingMeters(Adapter.toClassic(system), registry, interval));
    system.scheduler().scheduleWithFixedDelay(interval, interval, meters::poll, system.executionContext());
  }

  private void poll() {
    if (!polling.compareAndSet(false, true)) return;
    CompletableFuture.allOf(lag.poll().toCompletableFuture(), sharding.poll().toCompletableFuture()).whenComplete((v, e) -> {
      polling.set(false);
      if (e != null) log.warn("Reading the consumer lag and the shards for /metrics failed: {}", e.toString());
    });
  }
}
