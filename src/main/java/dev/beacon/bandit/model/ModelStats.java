package dev.beacon.bandit.model;

import dev.beacon.common.CborSerializable;
import java.util.List;
import java.util.Map;

/**
 * What a {@link BanditModel} is and has done: its arms and settings ({@code lambda} is LinUCB's
 * ridge λ), its version (one more at each change of its parameters), decisions made and open,
 * updates learned. {@code actionCounts}: decisions per arm (the arms now, then arms chosen before
 * they left); {@code averageReward}: over the learned updates (the zeros of closed windows
 * included), null before any; {@code rewardsNotLearned}: late rewards and rewards of arms since
 * removed.
 */
public record ModelStats(String modelId, String organizationId, List<String> arms, int dimension, double alpha, double lambda,
    double epsilon, long version, long decisions, int openDecisions, long totalUpdates, Double averageReward,
    Map<String, Long> actionCounts, long rewardsNotLearned, int checkpoints) implements CborSerializable {
  public ModelStats {
    arms = List.copyOf(arms);
  }
}
