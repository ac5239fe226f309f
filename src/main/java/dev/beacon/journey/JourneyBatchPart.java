package dev.beacon.journey;

import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.event.BatchPart;
import dev.beacon.event.Delivered;
import dev.beacon.event.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The journeys' part of an ingest batch, the first: every event with a user goes to the bucket of
 * its user, which judges each delivery (applied, a redelivery, a retry of an event counted from
 * another delivery, failed) and builds the journeys of the events it applied. A user's bucket lies
 * in the shard numbered as the partition Beacon's producers write the user's events to, hosted by
 * the node that consumes it; deliveries from another partition (records written with another
 * partitioner, a topic whose partitions are not the journey shards, a legacy bucket hash) are
 * counted on /metrics ({@code beacon.journey.misaligned}): correct, but sent to another node.
 */
public final class JourneyBatchPart implements BatchPart {
  /** Events later than the allowed lateness: counted in campaigns, no journey changed. */
  public static final String TOO_LATE = "tooLateForJourneys";
  /** Events that came before their user's latest recent event: the journey was derived again. */
  public static final String OUT_OF_ORDER = "outOfOrderForJourneys";
  /** Conversions whose credits a late event changed, each restated once. */
  public static final String RESTATED = "restatedConversions";

  private final ClusterSharding sharding;
  private final JourneyBuckets buckets;
  private final Counter misaligned;

  JourneyBatchPart(ClusterSharding sharding, JourneyBuckets buckets, MeterRegistry registry) {
    this.sharding = sharding;
    this.buckets = buckets;
    this.misaligned = Counter.builder("beacon.journey.misaligned")
        .description("deliveries whose journey shard is not the partition they were read from (0 for Beacon's producers)")
        .register(registry);
  }

  @Override
  public String entityType() {
    return JourneyBucket.ENTITY_TYPE_KEY.name();
  }

  @Override
  public OptionalInt shardsByPartition() {
    return OptionalInt.of(buckets.shards());
  }

  @Override
  public Map<String, List<Integer>> shares(List<Delivered> batch) {
    return shares(batch, buckets, misaligned::increment);
  }

  /** The bucket entity id → indexes of the deliveries with a user that it judges. */
  public static Map<String, List<Integer>> shares(List<Delivered> batch, JourneyBuckets buckets) {
    return shares(batch, buckets, () -> {});
  }

  /** As {@link #shares(List, JourneyBuckets)}, running {@code misaligned} for each delivery read from another shard's partition. */
  private static Map<String, List<Integer>> shares(List<Delivered> batch, JourneyBuckets buckets, Runnable misaligned) {
    // grouped by organisation and bucket number: the entity id is made once per bucket, not per event
    var byBucket = new LinkedHashMap<Bucket, List<Integer>>();
    for (int i = 0; i < batch.size(); i++) {
      var delivered = batch.get(i);
      var e = delivered.event();
      if (!e.hasUser()) continue;
      var bucket = new Bucket(e.organizationId(), buckets.bucketOf(e.organizationId(), e.userId()));
      if (buckets.shardOf(bucket.number()) != delivered.partition()) misaligned.run();
      byBucket.computeIfAbsent(bucket, k -> new ArrayList<>()).add(i);
    }
    var shares = new LinkedHashMap<String, List<Integer>>(byBucket.size() * 2);
    byBucket.forEach((bucket, share) -> shares.put(JourneyBuckets.bucketEntityId(bucket.organizationId(), bucket.number()), share));
    return shares;
  }

  private record Bucket(String organizationId, int number) {}

  @Override
  public List<String> tallyNames() {
    return List.of(TOO_LATE, OUT_OF_ORDER, RESTATED);
  }

  @Override
  public CompletionStage<Judgement> apply(String entityId, List<Delivered> share, List<Verdict> before,
      List<InvalidTraffic> flags, Duration timeout) {
    return sharding.entityRefFor(JourneyBucket.ENTITY_TYPE_KEY, entityId)
        .<JourneyBucket.Admitted>askWithStatus(replyTo -> new JourneyBucket.Admit(share, replyTo), timeout)
        .thenApply(admitted -> new Judgement(admitted.verdicts(), admitted.failures(),
            Map.of(TOO_LATE, (long) admitted.tooLate(), OUT_OF_ORDER, (long) admitted.outOfOrder(),
                RESTATED, (long) admitted.restated()), admitted.flags()));
  }
}
