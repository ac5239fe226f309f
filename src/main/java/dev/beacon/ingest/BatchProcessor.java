package dev.beacon.ingest;

import dev.beacon.event.BatchPart;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.Done;

/**
 * Applies one micro-batch of parsed records to the entities, and completes only when every
 * entity the batch touches has persisted its share: invalid records go to the dead-letter topic;
 * valid ones to each {@link BatchPart} in turn (journey buckets, which judge each delivery of an
 * event with a user; then campaigns, which count what their journey counted and judge events
 * without a user themselves). The verdicts are about deliveries, never ids ({@link BatchVerdicts}).
 * Several batches may be in flight; each entity still gets its batches in order, one after the
 * other ({@link EntityChain}). Every step is idempotent, so a failed batch is applied again
 * after the stream restarts from the last commit.
 */
final class BatchProcessor {
  private final List<BatchPart> parts;
  private final DeadLetters deadLetters;
  private final IngestStats stats;
  private final Duration timeout;
  private final EntityChain chain = new EntityChain();

  BatchProcessor(List<BatchPart> parts, DeadLetters deadLetters, IngestStats stats, Duration timeout) {
    this.parts = List.copyOf(parts);
    this.deadLetters = deadLetters;
    this.stats = stats;
    this.timeout = timeout;
    for (var part : parts) stats.tallies(part.tallyNames());
  }

  /**
   * One consumed record as the batch keeps it: a valid event with where it was read, or an
   * invalid record (kept whole, for the dead-letter topic) with its reasons. A valid record's
   * bytes are not kept: a batch in flight holds only what it still needs.
   */
  public sealed interface Consumed permits Accepted, Rejected {}

  public record Accepted(Delivered delivered) implements Consumed {}

  public record Rejected(ConsumerRecord<String, byte[]> record, List<String> reasons) implements Consumed {}

  /** What parsing made of a consumed record. */
  public static Consumed consumed(ConsumerRecord<String, byte[]> record, EventParser.Parsed parsed) {
    if (parsed instanceof EventParser.Valid valid) {
      return new Accepted(new Delivered(valid.event(), record.topic(), record.partition(), record.offset()));
    }
    return new Rejected(record, ((EventParser.Invalid) parsed).reasons());
  }

  public CompletionStage<Done> process(List<Consumed> batch) {
    var rejected = new ArrayList<Rejected>();
    var delivered = new ArrayList<Delivered>(batch.size());
    for (var c : batch) {
      if (c instanceof Accepted accepted) delivered.add(accepted.delivered());
      else if (c instanceof Rejected r) rejected.add(r);
    }
    var all = new ArrayList<CompletableFuture<?>>();
    for (var r : rejected) all.add(deadLetters.send(r.record(), r.reasons()).toCompletableFuture());
    // Every entity's slot is taken now, in batch order, even where the command must wait.
    var judged = CompletableFuture.completedFuture(BatchVerdicts.none(delivered.size()));
    var tallies = new ConcurrentHashMap<String, Long>();
    for (var part : parts) judged = judge(part, delivered, judged, tallies);
    all.add(judged);
    var verdicts = judged;
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenCompose(v -> counted(delivered, verdicts.join(), rejected, tallies));
  }

  /** Restarting the stream: earlier batches are no longer waited for. */
  public void reset() {
    chain.reset();
  }

  /** Each entity of a part gets its share once the parts before have judged the whole batch. */
  private CompletableFuture<BatchVerdicts> judge(BatchPart part, List<Delivered> delivered,
      CompletableFuture<BatchVerdicts> before, Map<String, Long> tallies) {
    var shares = part.shares(delivered);
    var replies = new ArrayList<CompletableFuture<BatchPart.Judgement>>(shares.size());
    shares.forEach((entityId, share) -> {
      var events = BatchVerdicts.deliveries(delivered, share);
      replies.add(chain.next(part.entityType() + "|" + entityId, before,
          judged -> part.apply(entityId, events, judged.of(share), judged.flagsOf(share), timeout)));
    });
    var all = new ArrayList<CompletableFuture<?>>(replies);
    all.add(part.alongside(delivered, shares, timeout).toCompletableFuture());
    var shareList = List.copyOf(shares.values());
    return before.thenCombine(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), (judged, v) -> {
      var judgements = replies.stream().map(CompletableFuture::join).toList();
      for (var j : judgements) j.tallies().forEach((name, n) -> tallies.merge(name, n, Long::sum));
      return judged.with(shareList, judgements);
    });
  }

  /**
   * One verdict per delivery, counted once the whole batch is persisted: so that consumed =
   * applied + redelivered + deduplicated + dead-lettered over the batches that completed. Events
   * an entity could not apply go to the dead-letter topic before the batch completes. The parts'
   * tallies count with the batch too (a batch applied again after a failure reports what its
   * entities had not persisted yet).
   */
  private CompletionStage<Done> counted(List<Delivered> delivered, BatchVerdicts verdicts, List<Rejected> rejected,
      Map<String, Long> tallies) {
    int applied = 0;
    int redelivered = 0;
    int duplicates = 0;
    var failed = new ArrayList<CompletableFuture<?>>();
    for (int i = 0; i < delivered.size(); i++) {
      switch (verdicts.verdict(i)) {
        case APPLIED -> applied++;
        case REDELIVERED -> redelivered++;
        case DUPLICATE -> duplicates++;
        case FAILED -> failed.add(deadLetters.send(delivered.get(i), List.of(verdicts.failure(i))).toCompletableFuture());
      }
    }
    var deadLettered = rejected.size() + failed.size();
    var counts = new int[] {applied, redelivered, duplicates};
    return CompletableFuture.allOf(failed.toArray(CompletableFuture[]::new)).thenApply(v -> {
      for (var r : rejected) stats.rejected(r.reasons());
      stats.judged(delivered.size() + rejected.size(), counts[0], counts[1], counts[2], deadLettered);
      stats.tallied(tallies);
      return Done.getInstance();
    });
  }
}
