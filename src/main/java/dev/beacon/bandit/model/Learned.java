package dev.beacon.bandit.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of an {@link BanditModel.InteractionsLearned} event: what the model learned (or only
 * logged) from one record of the interactions topic, its checks passed. Applied in order, the
 * same on every replay.
 */
public sealed interface Learned {
  /** The old learner's interaction: {@code arm} shown in context {@code features}, and its reward. */
  record Shown(String arm, double[] features, double reward) implements Learned {
    @Override
    public boolean equals(Object o) {
      return o instanceof Shown s && arm.equals(s.arm) && Arrays.equals(features, s.features) && Double.compare(reward, s.reward) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(arm, Arrays.hashCode(features), reward);
    }

    @Override
    public String toString() {
      return "Shown[arm=" + arm + ", features=" + Arrays.toString(features) + ", reward=" + reward + "]";
    }
  }

  /** A reward for decision {@code number} within its window: learned, as {@link BanditModel.Rewarded}. */
  record DecisionRewarded(long number, double reward) implements Learned {}

  /** A reward for decision {@code number} not learned, and why: as {@link BanditModel.RewardLogged}. */
  record DecisionRewardLogged(long number, double reward, String reason) implements Learned {}
}
