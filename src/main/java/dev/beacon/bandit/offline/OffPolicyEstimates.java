package dev.beacon.bandit.offline;

/**
 * Off-policy estimates of a policy's mean reward from n logged rounds, each with its reward r,
 * its importance weight w = π(a|x)/p (the evaluated policy's probability of the logged action
 * over the logging policy's) and whether the policy's own draw matched the logged action:
 *
 * <ul>
 *   <li>replay (Li et al. 2011): the mean reward over the m matched rounds; standard error
 *       s/√m with s the sample standard deviation of those rewards; effective sample size m.
 *       Unbiased when the log is uniformly random.
 *   <li>IPS: mean(r·w); standard error s/√n with s the sample standard deviation of r·w.
 *   <li>self-normalised IPS: Σ r·w / Σ w; standard error by the delta method,
 *       √(Σ w²(r − V)²) / Σ w.
 * </ul>
 *
 * The effective sample size of IPS and SNIPS is Kish's (Σw)²/Σw². A value or standard error
 * that is undefined (no matched round, a single one, Σw = 0) is NaN.
 *
 * @param meanWeight Σw/n: near 1 when the logged propensities are right and the policy never
 *     gives an action zero probability
 */
public record OffPolicyEstimates(int rounds, int matched, double meanWeight, Estimate replay, Estimate ips,
    Estimate selfNormalizedIps) {

  /** An estimate of the mean reward, its standard error and the effective sample size behind it. */
  public record Estimate(double value, double standardError, double effectiveSampleSize) {}

  /** The estimates from round i's reward, weight and whether it matched, the three arrays alike in length. */
  public static OffPolicyEstimates of(double[] rewards, double[] weights, boolean[] matched) {
    var n = rewards.length;
    if (weights.length != n || matched.length != n) throw new IllegalArgumentException("rewards, weights and matched differ in length");
    var sumWeights = 0.0;
    var sumSquaredWeights = 0.0;
    var sumWeighted = 0.0;
    var sumMatched = 0.0;
    var m = 0;
    for (var i = 0; i < n; i++) {
      sumWeights += weights[i];
      sumSquaredWeights += weights[i] * weights[i];
      sumWeighted += rewards[i] * weights[i];
      if (matched[i]) {
        sumMatched += rewards[i];
        m++;
      }
    }
    var effective = sumWeights * sumWeights / sumSquaredWeights;
    var replayMean = sumMatched / m;
    var ipsMean = sumWeighted / n;
    var snipsMean = sumWeighted / sumWeights;
    // second passes for the spreads: no cancellation from subtracting large sums
    var replaySquares = 0.0;
    var ipsSquares = 0.0;
    var snipsSquares = 0.0;
    for (var i = 0; i < n; i++) {
      if (matched[i]) replaySquares += square(rewards[i] - replayMean);
      ipsSquares += square(rewards[i] * weights[i] - ipsMean);
      snipsSquares += square(weights[i] * (rewards[i] - snipsMean));
    }
    var replay = new Estimate(replayMean, Math.sqrt(replaySquares / (m - 1) / m), m);
    var ips = new Estimate(ipsMean, Math.sqrt(ipsSquares / (n - 1) / n), effective);
    var snips = new Estimate(snipsMean, Math.sqrt(snipsSquares) / sumWeights, effective);
    return new OffPolicyEstimates(n, m, sumWeights / n, replay, ips, snips);
  }

  private static double square(double value) {
    return value * value;
  }
}
