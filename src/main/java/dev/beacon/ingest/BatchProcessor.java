package dev.beacon.ingest;

import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.OrganizationCampaigns;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventParser;
import dev.beacon.event.Verdict;
import dev.beacon.journey.JourneyBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Applies one micro-batch of parsed records to the entities, and completes only when every
 * entity the batch touches has persisted its share: invalid records to the dead-letter topic;
 * events with a user to their journey bucket (one command per bucket), which judges each
 * delivery (applied, a redelivery, a retry of an event counted from another delivery, failed);
 * then campaign events to their campaign (one command per campaign), which counts those their
 * journey counted and, for events without a user, judges retries itself; new campaigns to their
 * organisation. The verdicts are about deliveries, never ids ({@link BatchRouting}).
 * Several batches may be in flight; each entity still gets its batches in order, one after the
 * other ({@link EntityChain}). Every step is idempotent, so a failed batch is applied again
 * after the stream restarts from the last commit.
 */
final class BatchProcessor {
  private static final int MAX_REGISTERED_CACHE = 100_000;
  private final ClusterSharding sharding;
  private final DeadLetters deadLetters;
  private final IngestStats stats;
  private final Duration timeout;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final int journeyBuckets;
  private final EntityChain chain = new EntityChain();

  public BatchProcessor(ClusterSharding sharding, DeadLetters deadLetters, IngestStats stats, Duration timeout,
      int journeyBuckets) {
    this.journeyBuckets = journeyBuckets;
    this.sharding = sharding;
    this.deadLetters = deadLetters;
    this.stats = stats;
    this.timeout = timeout;
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
    var deadLettered = new ArrayList<CompletableFuture<?>>();
    for (var r : rejected) deadLettered.add(deadLetters.send(r.record(), r.reasons()).toCompletableFuture());
    // Every entity's slot is taken now, in batch order, even where the command must wait.
    var journeys = admitToJourneys(delivered);
    var campaigns = applyToCampaigns(delivered, journeys);
    var all = new ArrayList<CompletableFuture<?>>(deadLettered);
    all.add(journeys);
    all.add(campaigns);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenCompose(v -> judged(delivered, journeys.join(), campaigns.join(), rejected));
  }

  /** Restarting the stream: earlier batches are no longer waited for. */
  public void reset() {
    chain.reset();
  }

  /** What the journey buckets made of a batch: a verdict per delivery (null where none judged it), and reasons of failures. */
  private record Judged(Verdict[] verdicts, Map<Integer, String> failures) {}

  /** Events with a user go past their journey bucket first; it judges each delivery (applied, redelivered, retry, failed). */
  private CompletableFuture<Judged> admitToJourneys(List<Delivered> delivered) {
    var shares = BatchRouting.byJourneyBucket(delivered, journeyBuckets);
    var replies = new ArrayList<CompletableFuture<JourneyBucket.Admitted>>(shares.size());
    shares.forEach((entityId, share) -> {
      var events = BatchRouting.deliveries(delivered, share);
      replies.add(chain.next("Journey|" + entityId, () -> sharding.entityRefFor(JourneyBucket.ENTITY_TYPE_KEY, entityId)
          .<JourneyBucket.Admitted>askWithStatus(replyTo -> new JourneyBucket.Admit(events, replyTo), timeout)));
    });
    var shareList = List.copyOf(shares.values());
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(v -> {
      var verdicts = new Verdict[delivered.size()];
      var failures = new HashMap<Integer, String>();
      for (int s = 0; s < replies.size(); s++) {
        var reply = replies.get(s).join();
        var share = shareList.get(s);
        BatchRouting.merge(verdicts, share, reply.verdicts());
        reply.failures().forEach((k, reason) -> failures.put(share.get(k), reason));
      }
      return new Judged(verdicts, failures);
    });
  }

  /** Each campaign gets its share once the journeys judged the batch, with the deliveries they did not count. */
  private CompletableFuture<Verdict[]> applyToCampaigns(List<Delivered> delivered, CompletableFuture<Judged> journeys) {
    var shares = BatchRouting.byCampaign(delivered);
    var newCampaigns = new HashMap<String, Set<String>>();
    var replies = new ArrayList<CompletableFuture<Campaign.Applied>>(shares.size());
    shares.forEach((entityId, share) -> {
      var events = BatchRouting.deliveries(delivered, share);
      registerIfNew(entityId, events.get(0).event(), newCampaigns);
      replies.add(chain.next("Campaign|" + entityId, journeys, judged -> sharding.entityRefFor(Campaign.ENTITY_TYPE_KEY, entityId)
          .<Campaign.Applied>askWithStatus(replyTo -> new Campaign.Apply(events,
              BatchRouting.notCountedByJourney(share, judged.verdicts()), replyTo), timeout)));
    });
    var all = new ArrayList<CompletableFuture<?>>(replies);
    newCampaigns.forEach((org, ids) -> all.add(sharding.entityRefFor(OrganizationCampaigns.ENTITY_TYPE_KEY, org)
        .<OrganizationCampaigns.Registered>askWithStatus(replyTo -> new OrganizationCampaigns.Register(ids, replyTo), timeout)
        .toCompletableFuture()
        .thenRun(() -> remember(org, ids))));
    var shareList = List.copyOf(shares.values());
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
      var verdicts = new Verdict[delivered.size()];
      for (int s = 0; s < replies.size(); s++) BatchRouting.merge(verdicts, shareList.get(s), replies.get(s).join().verdicts());
      return verdicts;
    });
  }

  /**
   * One verdict per delivery, counted once the whole batch is persisted: so that consumed =
   * applied + redelivered + deduplicated + dead-lettered over the batches that completed. Events
   * an entity could not apply go to the dead-letter topic before the batch completes.
   */
  private CompletionStage<Done> judged(List<Delivered> delivered, Judged journeys, Verdict[] campaigns,
      List<Rejected> rejected) {
    int applied = 0;
    int redelivered = 0;
    int duplicates = 0;
    var failed = new ArrayList<CompletableFuture<?>>();
    for (int i = 0; i < delivered.size(); i++) {
      switch (BatchRouting.verdict(journeys.verdicts()[i], campaigns[i])) {
        case APPLIED -> applied++;
        case REDELIVERED -> redelivered++;
        case DUPLICATE -> duplicates++;
        case FAILED -> failed.add(deadLetters.send(delivered.get(i),
            List.of(journeys.failures().getOrDefault(i, "an entity could not apply the event"))).toCompletableFuture());
      }
    }
    var deadLettered = rejected.size() + failed.size();
    var counts = new int[] {applied, redelivered, duplicates};
    return CompletableFuture.allOf(failed.toArray(CompletableFuture[]::new)).thenApply(v -> {
      for (var r : rejected) stats.rejected(r.reasons());
      stats.judged(delivered.size() + rejected.size(), counts[0], counts[1], counts[2], deadLettered);
      return Done.getInstance();
    });
  }

  private void registerIfNew(String entityId, dev.beacon.event.Event first, Map<String, Set<String>> newCampaigns) {
    if (!registered.contains(entityId)) {
      newCampaigns.computeIfAbsent(first.organizationId(), k -> new HashSet<>()).add(first.campaignId());
    }
  }

  private void remember(String organizationId, Set<String> campaignIds) {
    // A bounded cache: forgetting only costs a registration that changes nothing.
    if (registered.size() > MAX_REGISTERED_CACHE) registered.clear();
    for (var id : campaignIds) registered.add(Campaign.entityId(organizationId, id));
  }
}
