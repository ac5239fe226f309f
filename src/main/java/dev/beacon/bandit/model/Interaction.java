package dev.beacon.bandit.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.beacon.common.CborSerializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One record of the interactions topic as a model takes it, with where it was read: {@code
 * partition} is the topic partition as Kafka names it ({@code beacon.interactions-3}), so that
 * the model recognises a redelivered record by its offset. Checked by the model, which knows its
 * dimension, arms and decisions.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
@JsonSubTypes({@JsonSubTypes.Type(Interaction.Shown.class), @JsonSubTypes.Type(Interaction.DecisionReward.class)})
public sealed interface Interaction extends CborSerializable {
  String partition();

  long offset();

  /**
   * The old learner's record: the arm shown in context {@code features} and its reward. The arm is
   * {@code arm} by its id, or, when that is null, {@code armIndex} into the model's arms.
   */
  record Shown(String partition, long offset, double[] features, String arm, int armIndex, double reward) implements Interaction {
    @Override
    public boolean equals(Object o) {
      return o instanceof Shown s && partition.equals(s.partition) && offset == s.offset && Arrays.equals(features, s.features)
          && Objects.equals(arm, s.arm) && armIndex == s.armIndex && Double.compare(reward, s.reward) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(partition, offset, Arrays.hashCode(features), arm, armIndex, reward);
    }

    @Override
    public String toString() {
      return "Shown[" + partition + "@" + offset + ", features=" + Arrays.toString(features) + ", arm="
          + (arm != null ? arm : "#" + armIndex) + ", reward=" + reward + "]";
    }
  }

  /** A reward for a decision the model made, as {@code POST /api/models/{id}/reward} gives it. */
  record DecisionReward(String partition, long offset, String decisionId, double reward) implements Interaction {}

  /**
   * What a model made of its share of a micro-batch. With {@code refused} empty: it learned
   * {@code learned} records, logged {@code logged} (rewards of decisions too late to learn) and
   * skipped {@code redelivered}, in one event. Else nothing of the share was learned: {@code
   * refused} names each record it cannot take (by its index in the share) and why, and the share
   * is to be sent again without them.
   */
  record Taken(int learned, int logged, int redelivered, List<Refusal> refused) implements CborSerializable {
    public Taken {
      refused = List.copyOf(refused);
    }
  }

  record Refusal(int index, String reason) implements CborSerializable {}
}
