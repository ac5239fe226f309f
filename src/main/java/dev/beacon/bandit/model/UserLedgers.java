package dev.beacon.bandit.model;

import dev.beacon.bandit.ArmContribution;
import dev.beacon.bandit.context.RunningStandardizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a model learned from each user, so that it can forget them exactly when the journal that
 * taught it is gone (an erasure deletes every journal row below its snapshot, retention the old
 * ones, so the decision log cannot be read back for the next user). Per user, by {@link
 * dev.beacon.privacy.UserKeys#key} (never the id): the raw contexts its decisions for them
 * observed (as running statistics, for the standardiser) and, per arm and epoch, what their
 * learned rewards added to A and b ({@link ArmContribution}: at most d² + d values per arm and
 * epoch, a few vectors for a user with a few decisions). An epoch is the span since the checkpoint
 * the model's parameters descend from: checkpoint epoch e holds exactly the contributions of
 * epochs below e, so a rollback to it drops the later ones, and forgetting subtracts from each
 * checkpoint what it holds. Mutable, confined to the entity's state; changed only by events.
 */
final class UserLedgers {
  private final int dimension;
  private final Map<String, Ledger> byUser = new HashMap<>();

  /** One user's: contexts observed, and contributions by epoch and arm. */
  record Ledger(RunningStandardizer contexts, TreeMap<Long, Map<String, ArmContribution>> contributions) {}

  /** What one epoch of a user's learning put into one arm, as events and snapshots hold it. */
  record EpochContribution(long epoch, ArmContribution contribution) {}

  /** One user's ledger as a snapshot holds it; {@code contexts} null when none of their decisions had one. */
  record Saved(String userKey, RunningStandardizer.State contexts, List<EpochContribution> contributions) {
    Saved {
      contributions = List.copyOf(contributions);
    }
  }

  UserLedgers(int dimension) {
    this.dimension = dimension;
  }

  /** The user's decision observed {@code context} (raw, as the standardiser took it). */
  void observed(String userKey, double[] context) {
    var ledger = ledger(userKey);
    ledger.contexts().observe(context);
  }

  /** The user's decision taught {@code arm} reward {@code reward} in context {@code x}, in {@code epoch}. */
  void learned(String userKey, long epoch, String arm, double[] x, double reward) {
    ledger(userKey).contributions().computeIfAbsent(epoch, e -> new HashMap<>())
        .merge(arm, ArmContribution.none(arm, dimension).plus(x, reward), (had, one) -> had.plus(x, reward));
  }

  /** The user's ledger; null when the model learned and observed nothing of them. */
  Saved find(String userKey) {
    var ledger = byUser.get(userKey);
    return ledger == null ? null : saved(userKey, ledger);
  }

  void remove(String userKey) {
    byUser.remove(userKey);
  }

  /** The model's parameters went back to the checkpoint of {@code epoch}: what was learned since is not in them. */
  void dropFrom(long epoch) {
    byUser.values().forEach(ledger -> ledger.contributions().tailMap(epoch, true).clear());
  }

  /** The arms left the model: what they learned went with them. */
  void dropArms(Set<String> arms) {
    byUser.values().forEach(ledger -> ledger.contributions().values().forEach(byArm -> byArm.keySet().removeAll(arms)));
  }

  /** The parameters were replaced by ones the ledgers cannot account for: what they learned is not in them. */
  void dropContributions() {
    byUser.values().forEach(ledger -> ledger.contributions().clear());
  }

  /** Per arm, the sum of {@code contributions} of epochs below {@code below}. */
  static List<ArmContribution> byArm(List<EpochContribution> contributions, long below) {
    var sums = new TreeMap<String, ArmContribution>();
    for (var c : contributions) {
      if (c.epoch() < below) sums.merge(c.contribution().arm(), c.contribution(), UserLedgers::sum);
    }
    return List.copyOf(sums.values());
  }

  private static ArmContribution sum(ArmContribution left, ArmContribution right) {
    var d = left.weighted().length;
    var weighted = left.weighted().clone();
    for (var i = 0; i < d; i++) weighted[i] += right.weighted()[i];
    var outer = left.outerSum();
    var more = right.outerSum();
    for (var i = 0; i < outer.length; i++) outer[i] += more[i];
    return new ArmContribution(left.arm(), left.updates() + right.updates(), weighted, List.of(), outer);
  }

  private Ledger ledger(String userKey) {
    return byUser.computeIfAbsent(userKey, k -> new Ledger(RunningStandardizer.forContextFeatures(), new TreeMap<>()));
  }

  // Snapshots

  List<Saved> saved() {
    var all = new ArrayList<Saved>(byUser.size());
    byUser.forEach((key, ledger) -> all.add(saved(key, ledger)));
    return all;
  }

  private static Saved saved(String userKey, Ledger ledger) {
    var contributions = new ArrayList<EpochContribution>();
    ledger.contributions().forEach((epoch, byArm) -> byArm.values().forEach(c -> contributions.add(new EpochContribution(epoch, c))));
    return new Saved(userKey, ledger.contexts().count() == 0 ? null : ledger.contexts().state(), contributions);
  }

  static UserLedgers restore(int dimension, List<Saved> saved) {
    var ledgers = new UserLedgers(dimension);
    for (var s : saved) {
      var contexts = s.contexts() == null ? RunningStandardizer.forContextFeatures() : RunningStandardizer.restore(s.contexts());
      var ledger = new Ledger(contexts, new TreeMap<>());
      for (var c : s.contributions()) {
        ledger.contributions().computeIfAbsent(c.epoch(), e -> new HashMap<>()).put(c.contribution().arm(), c.contribution());
      }
      ledgers.byUser.put(s.userKey(), ledger);
    }
    return ledgers;
  }
}
