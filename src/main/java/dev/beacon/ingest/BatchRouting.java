package dev.beacon.ingest;

import dev.beacon.campaign.Campaign;
import dev.beacon.event.Delivered;
import dev.beacon.event.Verdict;
import dev.beacon.journey.JourneyBucket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a micro-batch is shared out among entities, and how their verdicts make one verdict per
 * delivery: pure, so that the ingest stream and the property tests route batches the same way.
 * Deliveries are named by their index in the batch; each share keeps the batch's order.
 */
final class BatchRouting {
  private BatchRouting() {}

  /** The journey bucket entity id → indexes of the deliveries with a user that it judges. */
  static Map<String, List<Integer>> byJourneyBucket(List<Delivered> batch, int buckets) {
    var shares = new LinkedHashMap<String, List<Integer>>();
    for (int i = 0; i < batch.size(); i++) {
      var e = batch.get(i).event();
      if (!e.hasUser()) continue;
      shares.computeIfAbsent(JourneyBucket.entityId(e.organizationId(), e.userId(), buckets), k -> new ArrayList<>()).add(i);
    }
    return shares;
  }

  /** The campaign entity id → indexes of the deliveries that count for it. */
  static Map<String, List<Integer>> byCampaign(List<Delivered> batch) {
    var shares = new LinkedHashMap<String, List<Integer>>();
    for (int i = 0; i < batch.size(); i++) {
      var e = batch.get(i).event();
      if (e.type() == null || !e.hasCampaign()) continue;
      shares.computeIfAbsent(Campaign.entityId(e.organizationId(), e.campaignId()), k -> new ArrayList<>()).add(i);
    }
    return shares;
  }

  /** The deliveries of a share, in its order. */
  static List<Delivered> deliveries(List<Delivered> batch, List<Integer> share) {
    var out = new ArrayList<Delivered>(share.size());
    for (var i : share) out.add(batch.get(i));
    return out;
  }

  /**
   * Indexes within a campaign's share of the deliveries their journey did not count: a retry of
   * an event counted from another delivery, or one it could not apply. The campaign counts
   * neither (it moves its offsets over them).
   */
  static Set<Integer> notCountedByJourney(List<Integer> share, Verdict[] journeyVerdicts) {
    var notCounted = new HashSet<Integer>();
    for (int k = 0; k < share.size(); k++) {
      var v = journeyVerdicts[share.get(k)];
      if (v == Verdict.DUPLICATE || v == Verdict.FAILED) notCounted.add(k);
    }
    return notCounted;
  }

  /**
   * The verdict of one delivery from its journey's and its campaign's (either may be null where
   * no such entity judged it). An event that no entity keeps (no user, no campaign metric) is
   * applied by being consumed.
   */
  static Verdict verdict(Verdict journey, Verdict campaign) {
    var verdict = campaign == null ? journey : campaign.and(journey);
    return verdict == null ? Verdict.APPLIED : verdict;
  }

  /** Folds one entity's verdicts (in its share's order) into the batch's. */
  static void merge(Verdict[] verdicts, List<Integer> share, List<Verdict> replies) {
    if (replies.size() != share.size()) {
      throw new IllegalStateException("an entity answered " + replies.size() + " verdicts for " + share.size() + " deliveries");
    }
    for (int k = 0; k < share.size(); k++) {
      var i = share.get(k);
      verdicts[i] = replies.get(k).and(verdicts[i]);
    }
  }
}
