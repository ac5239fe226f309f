package dev.beacon.journey;

import dev.beacon.common.Entities;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * The shard of a journey bucket entity: its bucket number modulo the journey shards, so shard
 * {@code p} holds the journeys of the users whose events the producer writes to partition
 * {@code p} ({@link JourneyBuckets}), and the node consuming {@code p} hosts it (placed there by
 * external shard allocation, see {@code PartitionShardListener}). Every node must count the same
 * shards: two counts would put one entity in two shards, with two writers on one journal.
 * Messages (a bucket's commands) travel in {@link ShardingEnvelope}s, as with the default extractor.
 */
final class JourneyShards<M> extends ShardingMessageExtractor<ShardingEnvelope<M>, M> {
  private final int shards;

  JourneyShards(int shards) {
    this.shards = shards;
  }

  @Override
  public String entityId(ShardingEnvelope<M> envelope) {
    return envelope.entityId();
  }

  @Override
  public String shardId(String entityId) {
    return Integer.toString(JourneyBuckets.bucketNumber(entityId) % shards);
  }

  @Override
  public M unwrapMessage(ShardingEnvelope<M> envelope) {
    return envelope.message();
  }
}
