package dev.beacon.bandit.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What a {@link BanditModel} makes of its share of a micro-batch of the interactions topic, before
 * anything is persisted: each record redelivered (at or below the offset the model has taken of
 * its partition: skipped), refused with its reason, or learned (a reward of a decision past its
 * window: logged). Rewards of decisions are judged as {@code POST /api/models/{id}/reward} judges
 * them, the records before them in the share counted. Pure.
 */
final class InteractionChecks {
  private InteractionChecks() {}

  /** The share judged: what to persist ({@code learned}, and how many of it only logged), what was redelivered, what is refused. */
  record Judgement(List<Learned> learned, int logged, int redelivered, List<Interaction.Refusal> refused) {
    /** The learned updates the share makes (logged rewards are not). */
    int updates() {
      return learned.size() - logged;
    }

    /** Whether the share has an event to persist: something learned or logged, or offsets past those taken (of refused records). */
    boolean persists(BanditModelState state, Map<String, Long> offsets) {
      return !learned.isEmpty() || offsets.entrySet().stream().anyMatch(o -> o.getValue() > state.interactionOffset(o.getKey()));
    }

    Interaction.Taken taken() {
      return refused.isEmpty() ? new Interaction.Taken(updates(), logged, redelivered, List.of()) : new Interaction.Taken(0, 0, 0, refused);
    }
  }

  /** {@code modelId}: for the reason a model that was never configured refuses every record with. */
  static Judgement judge(BanditModelState state, String modelId, List<Interaction> share, long nowMillis, Duration rewardWindow) {
    if (!state.isConfigured()) {
      var reason = "modelId: no model '" + modelId + "' (PUT /api/models/" + modelId + " creates it)";
      var refused = IntStream.range(0, share.size()).mapToObj(i -> new Interaction.Refusal(i, reason)).toList();
      return new Judgement(List.of(), 0, 0, refused);
    }
    var learned = new ArrayList<Learned>(share.size());
    var refused = new ArrayList<Interaction.Refusal>();
    var rewardedHere = new HashSet<Long>();
    var logged = 0;
    var redelivered = 0;
    for (var i = 0; i < share.size(); i++) {
      var interaction = share.get(i);
      if (interaction.offset() <= state.interactionOffset(interaction.partition())) {
        redelivered++;
        continue;
      }
      String problem;
      if (interaction instanceof Interaction.Shown shown) {
        problem = problem(state, shown);
        if (problem == null) learned.add(new Learned.Shown(arm(state, shown), shown.features(), shown.reward()));
      } else {
        var reward = (Interaction.DecisionReward) interaction;
        problem = ModelChecks.rewardProblem(reward.reward());
        var number = ModelChecks.decisionNumber(reward.decisionId());
        var standing = rewardedHere.contains(number) ? BanditModelState.Standing.ANSWERED
            : state.standing(number, nowMillis, rewardWindow.toMillis());
        if (problem == null) {
          switch (standing) {
            case UNKNOWN -> problem = "decisionId: " + BanditModel.UNKNOWN_DECISION + " '" + reward.decisionId() + "'";
            // not a redelivery (that is recognised by its offset): a second reward for one decision
            case ANSWERED -> problem = "decisionId: " + BanditModel.ALREADY_REWARDED + " ('" + reward.decisionId()
                + "'); a decision learns one reward";
            case LEARNABLE -> learned.add(new Learned.DecisionRewarded(number, reward.reward()));
            default -> {
              learned.add(new Learned.DecisionRewardLogged(number, reward.reward(), state.notLearned(standing, number, rewardWindow)));
              logged++;
            }
          }
          if (problem == null) rewardedHere.add(number);
        }
      }
      if (problem != null) refused.add(new Interaction.Refusal(i, problem));
    }
    return new Judgement(learned, logged, redelivered, refused);
  }

  /** Why the model cannot learn this interaction, or null. */
  private static String problem(BanditModelState state, Interaction.Shown shown) {
    var features = ModelChecks.featuresProblem(shown.features(), state.settings().dimension());
    if (features != null) return features;
    var reward = ModelChecks.rewardProblem(shown.reward());
    if (reward != null) return reward;
    var arms = state.arms();
    if (shown.arm() != null && !arms.contains(shown.arm())) {
      return "action: no arm '" + shown.arm() + "' in the model; its arms are " + arms;
    }
    if (shown.arm() == null && shown.armIndex() >= arms.size()) {
      return "action: arm index " + shown.armIndex() + " is beyond the model's " + arms.size() + " arms " + arms;
    }
    return null;
  }

  private static String arm(BanditModelState state, Interaction.Shown shown) {
    return shown.arm() != null ? shown.arm() : state.arms().get(shown.armIndex());
  }
}
