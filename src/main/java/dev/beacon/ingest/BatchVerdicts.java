package dev.beacon.ingest;

import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.event.BatchPart;
import dev.beacon.event.Delivered;
import dev.beacon.event.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the parts of a micro-batch made of its deliveries so far: a verdict per delivery (null
 * where no entity judged it yet), the reasons of those that failed, and the invalid-traffic flags
 * the parts gave (a later part counts a delivery with the flag an earlier one gave it). Pure and immutable, so that
 * the ingest stream and the property tests fold verdicts the same way. Deliveries are named by
 * their index in the batch; a share is a list of such indexes, in batch order.
 */
final class BatchVerdicts {
  private final Verdict[] verdicts;
  private final Map<Integer, String> failures;
  private final InvalidTraffic[] flags;

  private BatchVerdicts(Verdict[] verdicts, Map<Integer, String> failures, InvalidTraffic[] flags) {
    this.verdicts = verdicts;
    this.failures = failures;
    this.flags = flags;
  }

  /** Nothing judged yet. */
  static BatchVerdicts none(int deliveries) {
    return new BatchVerdicts(new Verdict[deliveries], Map.of(), new InvalidTraffic[deliveries]);
  }

  /** The deliveries of a share, in its order. */
  static List<Delivered> deliveries(List<Delivered> batch, List<Integer> share) {
    var out = new ArrayList<Delivered>(share.size());
    for (var i : share) out.add(batch.get(i));
    return out;
  }

  /** The verdicts so far of a share's deliveries, in its order (null where none). */
  List<Verdict> of(List<Integer> share) {
    var out = new ArrayList<Verdict>(share.size());
    for (var i : share) out.add(verdicts[i]);
    return out;
  }

  /** The invalid-traffic flags so far of a share's deliveries, in its order (null where none). */
  List<InvalidTraffic> flagsOf(List<Integer> share) {
    var out = new ArrayList<InvalidTraffic>(share.size());
    for (var i : share) out.add(flags[i]);
    return out;
  }

  /** These verdicts with one part's judgements folded in, {@code judgements.get(s)} being about {@code shares.get(s)}. */
  BatchVerdicts with(List<List<Integer>> shares, List<BatchPart.Judgement> judgements) {
    var next = Arrays.copyOf(verdicts, verdicts.length);
    var nextFailures = new HashMap<>(failures);
    var nextFlags = Arrays.copyOf(flags, flags.length);
    for (int s = 0; s < shares.size(); s++) {
      var share = shares.get(s);
      var judgement = judgements.get(s);
      if (judgement.verdicts().size() != share.size()) {
        throw new IllegalStateException("an entity answered " + judgement.verdicts().size() + " verdicts for "
            + share.size() + " deliveries");
      }
      for (int k = 0; k < share.size(); k++) {
        var i = share.get(k);
        next[i] = judgement.verdicts().get(k).after(next[i]);
      }
      judgement.failures().forEach((k, reason) -> nextFailures.put(share.get(k), reason));
      judgement.flags().forEach((k, flag) -> nextFlags[share.get(k)] = flag);
    }
    return new BatchVerdicts(next, nextFailures, nextFlags);
  }

  /**
   * The verdict of delivery {@code i}. An event that no entity keeps (no user, no campaign
   * metric) is applied by being consumed.
   */
  Verdict verdict(int i) {
    return verdicts[i] == null ? Verdict.APPLIED : verdicts[i];
  }

  /** The invalid-traffic flag of delivery {@code i}, null when valid. */
  InvalidTraffic flag(int i) {
    return flags[i];
  }

  /** Why delivery {@code i} failed. */
  String failure(int i) {
    return failures.getOrDefault(i, "an entity could not apply the event");
  }
}
