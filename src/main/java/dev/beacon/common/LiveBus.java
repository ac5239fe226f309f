package dev.beacon.common;

/**
 * Where entities and projections publish {@link LiveUpdate}s, right after what changed is
 * persisted or committed. Publishing never blocks and never fails the caller: a lost update costs
 * a dashboard some freshness, never a count. The live feature provides it; {@link #NONE} drops
 * everything (tests of a feature alone, tools without dashboards).
 */
@FunctionalInterface
public interface LiveBus {
  LiveBus NONE = update -> {};

  void publish(LiveUpdate update);
}
