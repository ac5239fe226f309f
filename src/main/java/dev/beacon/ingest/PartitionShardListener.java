package dev.beacon.ingest;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.kafka.TopicPartitionsAssigned;
import org.apache.pekko.kafka.TopicPartitionsRevoked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The ingest consumer's rebalance listener that places shards where their partitions are read:
 * when the group assigns this node partitions of the topic, it writes this node's address as the
 * location of the shard numbered as each partition, for every entity type whose shards follow
 * partitions, through external shard allocation; sharding's coordinator then moves each shard
 * there at its next rebalance ({@code pekko.cluster.sharding.rebalance-interval}). A revoked
 * partition needs nothing: the node it goes to writes its own address. This is what
 * {@code KafkaClusterSharding.rebalanceListener} of pekko-connectors-kafka-cluster-sharding does,
 * which is not in the repository reachable here.
 */
final class PartitionShardListener {
  private static final Logger log = LoggerFactory.getLogger(PartitionShardListener.class);

  private PartitionShardListener() {}

  /** {@code shardsByType}: each entity type's number of shards; partitions from that number on have no shard. */
  static Behavior<ConsumerRebalanceEvent> create(String topic, Map<String, Integer> shardsByType) {
    return Behaviors.setup(ctx -> {
      var allocation = ExternalShardAllocation.get(ctx.getSystem());
      Address self = Cluster.get(ctx.getSystem()).selfMember().address();
      return Behaviors.receive(ConsumerRebalanceEvent.class)
          .onMessage(TopicPartitionsAssigned.class, assigned -> {
            shardsByType.forEach((type, shards) -> {
              var locations = new HashMap<String, Address>();
              for (var partition : CollectionConverters.asJava(assigned.topicPartitions())) {
                if (partition.topic().equals(topic) && partition.partition() < shards) {
                  locations.put(Integer.toString(partition.partition()), self);
                }
              }
              if (locations.isEmpty()) return;
              allocation.getClient(type).setShardLocations(locations).whenComplete((done, error) -> {
                if (error == null) log.info("{} shards {} placed on this node, which reads their partitions", type, locations.keySet());
                else log.warn("{} shards {} could not be placed on this node: {}", type, locations.keySet(), error.toString());
              });
            });
            return Behaviors.same();
          })
          .onMessage(TopicPartitionsRevoked.class, revoked -> Behaviors.same())
          .build();
    });
  }
}
