package dev.beacon.event;

import dev.beacon.behaviour.InvalidTraffic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A feature's part of an ingest micro-batch: which of its entities judge which deliveries, and
 * how one entity gets its share. The ingest runs the parts in the order it is given them (journey
 * buckets, then campaigns): a part's entities get their shares once every entity of the part
 * before it has judged the batch; each entity gets its shares batch after batch, in order; the
 * verdicts fold into one per delivery ({@link Verdict#after}). So a feature with an entity that
 * learns from events plugs in here without the ingest knowing it.
 */
public interface BatchPart {
  /** The part's entity type; with an entity id it names one entity among every part's. */
  String entityType();

  /**
   * The shards of the part's entities when shard {@code n} holds the entities of the events Beacon
   * produces to partition {@code n}: the ingest then places each shard on the node that consumes
   * its partition. Empty (the default) leaves the entities to sharding's own allocation.
   */
  default OptionalInt shardsByPartition() {
    return OptionalInt.empty();
  }

  /** Entity id → the indexes in {@code batch} of the deliveries that entity judges, each list in batch order. */
  Map<String, List<Integer>> shares(List<Delivered> batch);

  /**
   * Sends one entity its share; completes once the entity has persisted it. {@code before} holds,
   * per delivery of the share, the verdict of the parts before this one (null where none judged it),
   * and {@code flags} the invalid-traffic flag they gave it (null where none did).
   */
  CompletionStage<Judgement> apply(String entityId, List<Delivered> share, List<Verdict> before,
      List<InvalidTraffic> flags, Duration timeout);

  /** What the batch also waits for, beside the shares (the campaign part registers campaigns new to their organisation). */
  default CompletionStage<?> alongside(List<Delivered> batch, Map<String, List<Integer>> shares, Duration timeout) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * The names of the counts the part's entities report with their judgements ({@link
   * Judgement#tallies()}), which the pipeline status shows from zero.
   */
  default List<String> tallyNames() {
    return List.of();
  }

  /**
   * An entity's verdict per delivery, in the share's order, the reasons of the failed ones by
   * that index, counts of what else it noticed, by name (say, events too late for journeys), and
   * the invalid-traffic flags it gave, by index (the parts after it count those deliveries as invalid).
   */
  record Judgement(List<Verdict> verdicts, Map<Integer, String> failures, Map<String, Long> tallies,
      Map<Integer, InvalidTraffic> flags) {
    public Judgement {
      verdicts = List.copyOf(verdicts);
      failures = Map.copyOf(failures);
      tallies = Map.copyOf(tallies);
      flags = Map.copyOf(flags);
    }

    public Judgement(List<Verdict> verdicts, Map<Integer, String> failures, Map<String, Long> tallies) {
      this(verdicts, failures, tallies, Map.of());
    }

    public Judgement(List<Verdict> verdicts, Map<Integer, String> failures) {
      this(verdicts, failures, Map.of());
    }
  }
}
