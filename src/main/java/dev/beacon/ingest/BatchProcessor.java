package dev.beacon.ingest;

import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.OrganizationCampaigns;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventParser;
import dev.beacon.journey.Journey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * events with a user to their journey bucket (one command per bucket), which refuses retried ids; the
 * rest to their campaign (one command per campaign); new campaigns to their organisation.
 * Several batches may be in flight; each entity still gets its batches in order, one after the
 * other ({@link EntityChain}). Every step is idempotent, so a failed batch is applied again
 * after the stream restarts from the last commit.
 */
public final class BatchProcessor {
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
    var deadLettered = new ArrayList<CompletableFuture<?>>();
    var delivered = new ArrayList<Delivered>(batch.size());
    for (var c : batch) {
      if (c instanceof Accepted accepted) {
        delivered.add(accepted.delivered());
      } else if (c instanceof Rejected rejected) {
        deadLettered.add(deadLetters.send(rejected.record(), rejected.reasons()).toCompletableFuture());
      }
    }
    // Every entity's slot is taken now, in batch order, even where the command must wait.
    var refused = admitToJourneys(delivered);
    var applied = applyToCampaigns(delivered, refused);
    var all = new ArrayList<CompletableFuture<?>>(deadLettered);
    all.add(applied);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
  }

  /** Restarting the stream: earlier batches are no longer waited for. */
  public void reset() {
    chain.reset();
  }

  /** Events with a user go past their journey bucket first; it names the ids it refuses as retries. */
  private CompletableFuture<Set<String>> admitToJourneys(List<Delivered> delivered) {
    var byBucket = new LinkedHashMap<BucketKey, List<Delivered>>();
    for (var d : delivered) {
      if (d.event().hasUser()) {
        var key = new BucketKey(d.event().organizationId(), Journey.bucketOf(d.event().userId(), journeyBuckets));
        byBucket.computeIfAbsent(key, k -> new ArrayList<>()).add(d);
      }
    }
    var replies = new ArrayList<CompletableFuture<Journey.Admitted>>(byBucket.size());
    byBucket.forEach((key, events) -> {
      var entityId = Journey.entityId(key.organizationId(), key.bucket());
      replies.add(chain.next("Journey|" + entityId, () -> sharding.entityRefFor(Journey.ENTITY_TYPE_KEY, entityId)
          .<Journey.Admitted>askWithStatus(replyTo -> new Journey.Admit(events, replyTo), timeout)));
    });
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(v -> {
      var refused = new HashSet<String>();
      for (var reply : replies) refused.addAll(reply.join().duplicateIds());
      if (!refused.isEmpty()) stats.deduplicated(refused.size());
      return refused;
    });
  }

  private CompletableFuture<Done> applyToCampaigns(List<Delivered> delivered, CompletableFuture<Set<String>> refused) {
    var byCampaign = new LinkedHashMap<CampaignKey, List<Delivered>>();
    for (var d : delivered) {
      var e = d.event();
      if (e.type() == null || !e.hasCampaign()) continue;
      byCampaign.computeIfAbsent(new CampaignKey(e.organizationId(), e.campaignId()), k -> new ArrayList<>()).add(d);
    }
    var newCampaigns = new HashMap<String, Set<String>>();
    var replies = new ArrayList<CompletableFuture<Campaign.Applied>>(byCampaign.size());
    byCampaign.forEach((key, events) -> {
      var entityId = campaignEntityId(key, newCampaigns);
      replies.add(chain.next("Campaign|" + entityId, refused, ids -> {
        var admitted = ids.isEmpty() ? events
            : events.stream().filter(d -> !d.event().hasUser() || !ids.contains(d.event().eventId())).toList();
        if (admitted.isEmpty()) return CompletableFuture.completedFuture(new Campaign.Applied(0, 0, 0));
        return sharding.entityRefFor(Campaign.ENTITY_TYPE_KEY, entityId)
            .<Campaign.Applied>askWithStatus(replyTo -> new Campaign.Apply(admitted, replyTo), timeout);
      }));
    });
    var all = new ArrayList<CompletableFuture<?>>(replies);
    newCampaigns.forEach((org, ids) -> all.add(sharding.entityRefFor(OrganizationCampaigns.ENTITY_TYPE_KEY, org)
        .<OrganizationCampaigns.Registered>askWithStatus(replyTo -> new OrganizationCampaigns.Register(ids, replyTo), timeout)
        .toCompletableFuture()
        .thenRun(() -> remember(org, ids))));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
      for (var reply : replies) {
        var a = reply.join();
        stats.applied(a.applied(), a.redelivered(), a.duplicates());
      }
      return Done.getInstance();
    });
  }

  private record BucketKey(String organizationId, int bucket) {}

  private record CampaignKey(String organizationId, String campaignId) {}

  /** The campaign's entity id; a campaign not known to be registered is added to {@code newCampaigns}. */
  private String campaignEntityId(CampaignKey key, Map<String, Set<String>> newCampaigns) {
    var entityId = Campaign.entityId(key.organizationId(), key.campaignId());
    if (!registered.contains(entityId)) {
      newCampaigns.computeIfAbsent(key.organizationId(), k -> new HashSet<>()).add(key.campaignId());
    }
    return entityId;
  }

  private void remember(String organizationId, Set<String> campaignIds) {
    // A bounded cache: forgetting only costs a registration that changes nothing.
    if (registered.size() > MAX_REGISTERED_CACHE) registered.clear();
    for (var id : campaignIds) registered.add(Campaign.entityId(organizationId, id));
  }
}
