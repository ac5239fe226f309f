package dev.beacon.bandit.offline;

import dev.beacon.bandit.LinUcb;
import java.util.SplittableRandom;

/**
 * Runs a policy over a logged-bandit file in its order and estimates the policy's mean reward
 * ({@link OffPolicyEstimates}); a plain function, for the command line and HTTP ({@link EvaluateRoutes}). The
 * random draws (the uniform policy's, LinUCB's) come from one {@link SplittableRandom} seeded
 * with the options' seed, so a run is repeatable to the bit.
 */
public final class OfflineEvaluation {
  private OfflineEvaluation() {}

  /** What the policy did with one round: the probability it gave the logged item, and whether its draw was that item. */
  private record Play(double probability, boolean matched) {}

  public static EvaluationResult run(BanditLog log, EvaluationOptions options) {
    var rounds = log.rounds();
    var n = rounds.size();
    var items = log.items();
    var random = new SplittableRandom(options.seed());
    var model = options.policy() == EvaluationPolicy.LINUCB ? LinUcb.withArms(options.linUcb(log.dimension()), items, random) : null;
    var context = new double[log.dimension()];
    var rewards = new double[n];
    var weights = new double[n];
    var matched = new boolean[n];
    var sumRewards = 0.0;
    for (var i = 0; i < n; i++) {
      var round = rounds.get(i);
      var play = switch (options.policy()) {
        case UNIFORM -> new Play(1.0 / items.size(), random.nextInt(items.size()) == round.item());
        case LOGGED -> new Play(round.propensity(), true);
        case LINUCB -> {
          log.context(round, context);
          var decision = model.decide(context);
          var item = items.get(round.item());
          var chose = decision.arm().equals(item);
          if (chose) model.update(item, context, round.reward());
          yield new Play(decision.probability(item), chose);
        }
      };
      rewards[i] = round.reward();
      weights[i] = play.probability() / round.propensity();
      matched[i] = play.matched();
      sumRewards += round.reward();
    }
    return new EvaluationResult(log.name(), options, items.size(), log.itemsFrom(), log.dimension(), log.uniformlyRandom(),
        sumRewards / n, OffPolicyEstimates.of(rewards, weights, matched));
  }
}
