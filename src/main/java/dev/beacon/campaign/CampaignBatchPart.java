package dev.beacon.campaign;

import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.event.BatchPart;
import dev.beacon.event.Delivered;
import dev.beacon.event.Verdict;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The campaigns' part of an ingest batch, after the journeys: each campaign event goes to its
 * campaign, which counts those its journey counted and, for events without a user, judges retries
 * itself; campaigns new to their organisation are registered with it beside. A delivery its journey
 * flagged as invalid traffic counts with that flag.
 */
public final class CampaignBatchPart implements BatchPart {
  private static final int MAX_REGISTERED_CACHE = 100_000;
  private final ClusterSharding sharding;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  CampaignBatchPart(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  @Override
  public String entityType() {
    return Campaign.ENTITY_TYPE_KEY.name();
  }

  /** The campaign entity id → indexes of the deliveries that count for it. */
  @Override
  public Map<String, List<Integer>> shares(List<Delivered> batch) {
    return sharesOf(batch);
  }

  /** {@link #shares}, for the tests that route batches as the ingest does. */
  public static Map<String, List<Integer>> sharesOf(List<Delivered> batch) {
    var shares = new LinkedHashMap<String, List<Integer>>();
    for (int i = 0; i < batch.size(); i++) {
      var e = batch.get(i).event();
      if (e.type() == null || !e.hasCampaign()) continue;
      shares.computeIfAbsent(Campaign.entityId(e.organizationId(), e.campaignId()), k -> new ArrayList<>()).add(i);
    }
    return shares;
  }

  /**
   * Indexes within a share of the deliveries the parts before did not count: a retry of an event
   * counted from another delivery, or one that could not be applied. The campaign counts neither
   * (it moves its offsets over them, so their redelivery is still recognised).
   */
  public static Set<Integer> notCounted(List<Verdict> before) {
    var notCounted = new HashSet<Integer>();
    for (int k = 0; k < before.size(); k++) {
      var v = before.get(k);
      if (v == Verdict.DUPLICATE || v == Verdict.FAILED) notCounted.add(k);
    }
    return notCounted;
  }

  @Override
  public CompletionStage<Judgement> apply(String entityId, List<Delivered> share, List<Verdict> before,
      List<InvalidTraffic> flags, Duration timeout) {
    return sharding.entityRefFor(Campaign.ENTITY_TYPE_KEY, entityId)
        .<Campaign.Applied>askWithStatus(replyTo -> new Campaign.Apply(share, notCounted(before), flagged(flags), replyTo),
            timeout)
        .thenApply(applied -> new Judgement(applied.verdicts(), Map.of()));
  }

  /** The flags the parts before gave, by index within the share. */
  public static Map<Integer, InvalidTraffic> flagged(List<InvalidTraffic> flags) {
    var flagged = new HashMap<Integer, InvalidTraffic>();
    for (int k = 0; k < flags.size(); k++) {
      if (flags.get(k) != null) flagged.put(k, flags.get(k));
    }
    return flagged;
  }

  @Override
  public CompletionStage<?> alongside(List<Delivered> batch, Map<String, List<Integer>> shares, Duration timeout) {
    var newCampaigns = new HashMap<String, Set<String>>();
    shares.forEach((entityId, share) -> {
      if (registered.contains(entityId)) return;
      var first = batch.get(share.get(0)).event();
      newCampaigns.computeIfAbsent(first.organizationId(), k -> new HashSet<>()).add(first.campaignId());
    });
    var registrations = new ArrayList<CompletableFuture<?>>(newCampaigns.size());
    newCampaigns.forEach((org, ids) -> registrations.add(sharding.entityRefFor(OrganizationCampaigns.ENTITY_TYPE_KEY, org)
        .<OrganizationCampaigns.Registered>askWithStatus(replyTo -> new OrganizationCampaigns.Register(ids, replyTo), timeout)
        .toCompletableFuture()
        .thenRun(() -> remember(org, ids))));
    return CompletableFuture.allOf(registrations.toArray(CompletableFuture[]::new));
  }

  private void remember(String organizationId, Set<String> campaignIds) {
    // A bounded cache: forgetting only costs a registration that changes nothing.
    if (registered.size() > MAX_REGISTERED_CACHE) registered.clear();
    for (var id : campaignIds) registered.add(Campaign.entityId(organizationId, id));
  }
}
