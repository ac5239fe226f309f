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

  /** One consumed record and what parsing made of it. */
  public record ParsedRecord(ConsumerRecord<String, byte[]> record, EventParser.Parsed parsed) {}

  public CompletionStage<Done> process(List<ParsedRecord> batch) {
    var deadLettered = new ArrayList<CompletableFuture<?>>();
    var delivered = new ArrayList<Delivered>(batch.size());
    for (var p : batch) {
      var r = p.record();
      if (p.parsed() instanceof EventParser.Valid valid) {
        delivered.add(new Delivered(valid.event(), r.topic(), r.partition(), r.offset()));
      } else if (p.parsed() instanceof EventParser.Invalid invalid) {
        deadLettered.add(deadLetters.send(r, invalid.reasons()).toCompletableFuture());
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
    var byBucket = new LinkedHashMap<String, List<Delivered>>();
    for (var d : delivered) {
      if (d.event().hasUser()) {
        byBucket.computeIfAbsent(Journey.entityId(d.event().organizationId(), d.event().userId(), journeyBuckets),
            k -> new ArrayList<>()).add(d);
      }
    }
    var replies = new ArrayList<CompletableFuture<Journey.Admitted>>(byBucket.size());
    byBucket.forEach((entityId, events) -> replies.add(chain.next("Journey|" + entityId,
        () -> sharding.entityRefFor(Journey.ENTITY_TYPE_KEY, entityId)
            .<Journey.Admitted>askWithStatus(replyTo -> new Journey.Admit(events, replyTo), timeout))));
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(v -> {
      var refused = new HashSet<String>();
      for (var reply : replies) refused.addAll(reply.join().duplicateIds());
      if (!refused.isEmpty()) stats.deduplicated(refused.size());
      return refused;
    });
  }

  private CompletableFuture<Done> applyToCampaigns(List<Delivered> delivered, CompletableFuture<Set<String>> refused) {
    var byCampaign = new LinkedHashMap<String, List<Delivered>>();
    var newCampaigns = new HashMap<String, Set<String>>();
    for (var d : delivered) {
      var e = d.event();
      if (e.type() == null || !e.hasCampaign()) continue;
      var entityId = Campaign.entityId(e.organizationId(), e.campaignId());
      byCampaign.computeIfAbsent(entityId, k -> new ArrayList<>()).add(d);
      if (!registered.contains(entityId)) {
        newCampaigns.computeIfAbsent(e.organizationId(), k -> new HashSet<>()).add(e.campaignId());
      }
    }
    var replies = new ArrayList<CompletableFuture<Campaign.Applied>>(byCampaign.size());
    byCampaign.forEach((entityId, events) -> replies.add(chain.next("Campaign|" + entityId, refused, ids -> {
      var admitted = ids.isEmpty() ? events
          : events.stream().filter(d -> !d.event().hasUser() || !ids.contains(d.event().eventId())).toList();
      if (admitted.isEmpty()) return CompletableFuture.completedFuture(new Campaign.Applied(0, 0, 0));
      return sharding.entityRefFor(Campaign.ENTITY_TYPE_KEY, entityId)
          .<Campaign.Applied>askWithStatus(replyTo -> new Campaign.Apply(admitted, replyTo), timeout);
    })));
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

  private void remember(String organizationId, Set<String> campaignIds) {
    // A bounded cache: forgetting only costs a registration that changes nothing.
    if (registered.size() > MAX_REGISTERED_CACHE) registered.clear();
    for (var id : campaignIds) registered.add(Campaign.entityId(organizationId, id));
  }

}
