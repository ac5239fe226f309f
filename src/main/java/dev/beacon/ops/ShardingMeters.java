package dev.beacon.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.pattern.Patterns;

/**
 * What Cluster Sharding holds on this node, by entity type, as this node's shard region answers
 * {@code GetShardRegionState} at each poll: the shards and the entities alive
 * ({@code beacon.sharding.shards}, {@code beacon.sharding.entities}); the shards this node held at
 * one poll and not at the next, handed off in a rebalance ({@code beacon.sharding.handoffs}); the
 * entities alive at one poll and not at the next, passivated or handed off with their shard
 * ({@code beacon.sharding.entities.stopped}). The counts of moves are sampled: an entity that
 * starts and stops between two polls is not seen.
 */
final class ShardingMeters {
  private final ActorSystem system;
  private final MeterRegistry registry;
  private final Duration timeout;
  private final MultiGauge shards;
  private final MultiGauge entities;
  /** Each type's shards and their entities at the last poll. */
  private final Map<String, Map<String, Set<String>>> last = new HashMap<>();

  /** {@code timeout}: how long a region may take to answer a poll. */
  ShardingMeters(ActorSystem system, MeterRegistry registry, Duration timeout) {
    this.system = system;
    this.registry = registry;
    this.timeout = timeout;
    this.shards = MultiGauge.builder("beacon.sharding.shards").description("shards on this node, by entity type").register(registry);
    this.entities = MultiGauge.builder("beacon.sharding.entities").description("entities alive on this node, by entity type")
        .register(registry);
  }

  /** One poll; polls do not overlap (the caller waits for each). */
  CompletionStage<Void> poll() {
    var sharding = ClusterSharding.get(system);
    var answers = new HashMap<String, CompletableFuture<Object>>();
    for (var type : sharding.getShardTypeNames()) {
      answers.put(type, Patterns.ask(sharding.shardRegion(type), ShardRegion.getShardRegionStateInstance(), timeout)
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).thenRun(() -> {
      var shardRows = new ArrayList<MultiGauge.Row<?>>();
      var entityRows = new ArrayList<MultiGauge.Row<?>>();
      answers.forEach((type, answer) -> {
        var now = new HashMap<String, Set<String>>();
        for (var shard : ((ShardRegion.CurrentShardRegionState) answer.join()).getShards()) {
          now.put(shard.shardId(), shard.getEntityIds());
        }
        shardRows.add(MultiGauge.Row.of(Tags.of("type", type), now.size()));
        entityRows.add(MultiGauge.Row.of(Tags.of("type", type), now.values().stream().mapToInt(Set::size).sum()));
        moves(type, last.getOrDefault(type, Map.of()), now);
        last.put(type, now);
      });
      shards.register(shardRows, true);
      entities.register(entityRows, true);
    });
  }

  private void moves(String type, Map<String, Set<String>> before, Map<String, Set<String>> now) {
    long handedOff = 0;
    long stopped = 0;
    for (var shard : before.entrySet()) {
      var kept = now.get(shard.getKey());
      if (kept == null) handedOff++;
      var gone = new HashSet<>(shard.getValue());
      if (kept != null) gone.removeAll(kept);
      stopped += gone.size();
    }
    counter("beacon.sharding.handoffs", "shards this node held at one poll and not at the next (rebalanced away)", type)
        .increment(handedOff);
    counter("beacon.sharding.entities.stopped", "entities alive at one poll and not at the next (passivated or handed off)", type)
        .increment(stopped);
  }

  private Counter counter(String name, String description, String type) {
    return Counter.builder(name).description(description).tags("type", type).register(registry);
  }
}
