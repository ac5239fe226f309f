package dev.beacon.live;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's dashboard subscriptions in numbers: how many follow each organisation (websockets
 * included), and the counts of their queues: updates queued now, replaced by newer ones (conflated), dropped beyond the bound,
 * clients disconnected for taking nothing. Also as Prometheus meters ({@code beacon.live.*}).
 */
final class LiveStats {
  /** {@code GET /api/analytics/real-time/subscriptions/stats}. */
  record Stats(int activeSubscriptions, long queuedUpdates, long conflatedUpdates, long droppedUpdates,
      long disconnectedClients, Map<String, Integer> subscriptionsPerOrganization) {}

  private final ConcurrentHashMap<String, AtomicInteger> perOrganization = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong conflated = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong disconnected = new AtomicLong();

  void bindTo(MeterRegistry registry) {
    Gauge.builder("beacon.live.subscriptions", active, AtomicInteger::get).description("dashboard subscriptions following an organisation").register(registry);
    Gauge.builder("beacon.live.queued", queued, AtomicLong::get).description("updates queued for dashboard clients").register(registry);
    registry.more().counter("beacon.live.conflated", java.util.List.of(), conflated, AtomicLong::doubleValue);
    registry.more().counter("beacon.live.dropped", java.util.List.of(), dropped, AtomicLong::doubleValue);
    registry.more().counter("beacon.live.disconnected", java.util.List.of(), disconnected, AtomicLong::doubleValue);
  }

  void following(String organizationId, int delta) {
    active.addAndGet(delta);
    perOrganization.computeIfAbsent(organizationId, org -> new AtomicInteger()).addAndGet(delta);
    perOrganization.computeIfPresent(organizationId, (org, count) -> count.get() <= 0 ? null : count);
  }

  /** Subscriptions following an organisation on this node now. */
  int active() {
    return active.get();
  }

  void queued(long delta) {
    queued.addAndGet(delta);
  }

  void conflated(long delta) {
    conflated.addAndGet(delta);
  }

  void dropped(long delta) {
    dropped.addAndGet(delta);
  }

  void disconnected(long delta) {
    disconnected.addAndGet(delta);
  }

  Stats stats() {
    var perOrg = new TreeMap<String, Integer>();
    perOrganization.forEach((org, count) -> perOrg.put(org, count.get()));
    return new Stats(active.get(), queued.get(), conflated.get(), dropped.get(), disconnected.get(), perOrg);
  }
}
