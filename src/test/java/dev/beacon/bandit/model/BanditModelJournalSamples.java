package dev.beacon.bandit.model;

import dev.beacon.bandit.ArmContribution;
import dev.beacon.bandit.LinUcb;
import dev.beacon.bandit.LinUcbParameters;
import dev.beacon.bandit.LinUcbSettings;
import dev.beacon.bandit.context.ContextFeatures;
import dev.beacon.bandit.context.CustomerProfile;
import dev.beacon.bandit.context.RunningStandardizer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * What the model package persists, one rich value per golden journal file: the file (serializer
 * and manifest) to the value its bytes were written from and must still read as.
 */
public final class BanditModelJournalSamples {
  private static final String PREFIX = "jackson-cbor/dev.beacon.bandit.model.";
  private static final long AT = 1_715_342_400_123L;
  private static final List<String> ARMS = List.of("spring-sale", "Frühjahr ✓ 🚀", "キャンペーン");
  private static final LinUcbSettings SETTINGS = new LinUcbSettings(3, 0.75, 0.5, 0.1, 0.98, 7);

  private BanditModelJournalSamples() {}

  public static Map<String, Object> byGoldenFile() {
    var samples = new TreeMap<String, Object>();
    samples.put(PREFIX + "BanditModel$Configured", configured());
    samples.put(PREFIX + "BanditModel$Decided", decided());
    samples.put(PREFIX + "BanditModel$Rewarded", new BanditModel.Rewarded(Long.MAX_VALUE, -1e6, AT + 2));
    samples.put(PREFIX + "BanditModel$RewardLogged",
        new BanditModel.RewardLogged(1, 49.99, AT + 3, "after the decision's reward window of 7d ✓"));
    samples.put(PREFIX + "BanditModel$DecisionsClosed", new BanditModel.DecisionsClosed(1_000_000_000_000L, AT + 4));
    samples.put(PREFIX + "BanditModel$CheckpointTaken",
        new BanditModel.CheckpointTaken("updates-3000", AT + 5, List.of("updates-1000", "updates-2000")));
    samples.put(PREFIX + "BanditModel$RolledBack", new BanditModel.RolledBack("updates-2000", AT + 6));
    samples.put(PREFIX + "BanditModel$Imported", new BanditModel.Imported(parameters(), AT + 7));
    samples.put(PREFIX + "BanditModelState", asWrittenBeforeLedgers(state()));
    samples.put(PREFIX + "BanditModel$UserForgotten", userForgotten());
    samples.put(PREFIX + "ModelDirectory$Registered", new ModelDirectory.Registered("high_value@org_456"));
    samples.put(PREFIX + "ModelDirectory$State", new ModelDirectory.State(List.of("Frühjahr-✓", "at_risk@org_456", "picker")));
    samples.put("bandit-events/InteractionsLearned.1", interactionsLearned());
    return samples;
  }

  /** Interactions of every kind, an arm named twice, extreme and negative numbers, two partitions. */
  private static BanditModel.InteractionsLearned interactionsLearned() {
    var offsets = new java.util.LinkedHashMap<String, Long>();
    offsets.put("customer-interactions-0", 0L);
    offsets.put("beacon.interactions-11", Long.MAX_VALUE - 1);
    return new BanditModel.InteractionsLearned(List.of(
        new Learned.Shown("Frühjahr ✓ 🚀", new double[] {1.5, -0.0, 4.9e-324}, 1),
        new Learned.DecisionRewarded(Long.MAX_VALUE, -1e6),
        new Learned.Shown("キャンペーン", new double[] {-1e6, 1e6, 0.1}, -0.25),
        new Learned.DecisionRewardLogged(7, 49.99, "after the decision's reward window of 7d ✓"),
        new Learned.Shown("Frühjahr ✓ 🚀", new double[] {Double.MIN_NORMAL, 3, -7}, 0)),
        offsets, AT + 8);
  }

  private static BanditModel.Configured configured() {
    return new BanditModel.Configured("org_456", ARMS, SETTINGS, AT);
  }

  private static BanditModel.Decided decided() {
    return new BanditModel.Decided(42, new double[] {1.5, -0.0, 4.9e-324}, "Frühjahr ✓ 🚀", 0.7000000000000001, 0.999999999,
        17, AT + 1, "user-ü-7");
  }

  /** A user forgotten who taught two arms in two epochs (one arm past d vectors, summed) and was decided for on contexts. */
  private static BanditModel.UserForgotten userForgotten() {
    var contexts = RunningStandardizer.forContextFeatures();
    contexts.observe(ContextFeatures.of(CustomerProfile.unknown("mobile", "Email"), AT));
    var summed = ArmContribution.none("キャンペーン", 3);
    for (var i = 0; i < 4; i++) summed = summed.plus(new double[] {1, -1e6 * i, 4.9e-324}, i - 1.5);
    return new BanditModel.UserForgotten("a4d5e5b8c9ec9d68ed4e706cb093e9dfae44cfd98a3e9af7d3e98e1a19b21bfa", List.of(41L, 42L),
        List.of(new UserLedgers.EpochContribution(0, ArmContribution.none("Frühjahr ✓ 🚀", 3)
            .plus(new double[] {1.5, -0.0, 0.25}, 1)), new UserLedgers.EpochContribution(3, summed)),
        contexts.state(), false, AT + 9);
  }

  /**
   * How a snapshot written before models kept ledgers reads today: no ledgers, its checkpoints of
   * epoch 0 and not indexed, its parameters (which learned) not accounted for.
   */
  private static BanditModelState asWrittenBeforeLedgers(BanditModelState state) {
    var s = state.snapshot();
    var checkpoints = s.checkpoints().stream().map(c -> new BanditModelState.Checkpoint(c.name(), c.version(), c.totalUpdates(),
        c.takenAtMillis(), c.parameters(), 0, false)).toList();
    return BanditModelState.of(new BanditModelState.Snapshot(s.organizationId(), s.parameters(), s.version(), s.decisions(),
        s.closedBelow(), s.open(), s.rememberedFrom(), s.answeredClosed(), s.totalUpdates(), s.rewardSum(), s.rewardsNotLearned(),
        s.actionCounts(), checkpoints, s.standardizer(), s.interactionOffsets(), List.of(), 0, 0, null));
  }

  /** Parameters a model learned (so every matrix is full, A⁻¹ drifted from a re-inversion). */
  private static LinUcbParameters parameters() {
    var model = LinUcb.withArms(SETTINGS, ARMS, new SplittableRandom(3));
    var world = new SplittableRandom(4);
    for (var i = 0; i < 20; i++) {
      var x = new double[] {world.nextGaussian(), world.nextGaussian() * 1e3, world.nextGaussian() * 1e-3};
      model.update(ARMS.get(i % ARMS.size()), x, i % 3 == 0 ? 1 : -0.25);
    }
    return model.export();
  }

  /**
   * A state that has been through everything: decisions open (one rewarded, one answered late),
   * decisions closed (one of them answered), learned updates, a checkpoint, counters.
   */
  private static BanditModelState state() {
    var state = new BanditModelState();
    var configured = configured();
    state.configured(configured.organizationId(), configured.arms(), configured.settings());
    for (var n = 1; n <= 5; n++) state.decided(n, new double[] {n, -n, 0.5}, ARMS.get(n % ARMS.size()), 0.3 + n / 100.0, 1, AT + n, null, null, false);
    state.rewarded(1, 1.0, null);
    state.rewardLogged(2);
    state.decisionsClosed(3);
    state.checkpointTaken("updates-2", AT + 13, List.of());
    state.rewarded(4, -2.5, null);
    return state;
  }
}
