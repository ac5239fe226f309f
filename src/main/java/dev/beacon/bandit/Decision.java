package dev.beacon.bandit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One decision of a {@link LinUcb} model: the arm chosen, the probability it had of being chosen
 * (its propensity), and every arm's score and probability, in the model's arm order. A plain
 * class rather than a record: it holds arrays (a record's equals would compare them by
 * reference), and reads them without copying.
 */
public final class Decision {
  private final List<String> arms;
  private final int chosen;
  private final double[] scores;
  private final double[] probabilities;

  Decision(List<String> arms, int chosen, double[] scores, double[] probabilities) {
    this.arms = arms;
    this.chosen = chosen;
    this.scores = scores;
    this.probabilities = probabilities;
  }

  /** The chosen arm. */
  public String arm() {
    return arms.get(chosen);
  }

  /** The probability that the chosen arm had of being chosen. */
  public double propensity() {
    return probabilities[chosen];
  }

  /** The arms the model chose among, in its order. */
  public List<String> arms() {
    return arms;
  }

  /** The score of {@code arm}: θᵀx + α·√(xᵀA⁻¹x). */
  public double score(String arm) {
    return scores[index(arm)];
  }

  /** The probability that {@code arm} had of being chosen: π(arm | x). */
  public double probability(String arm) {
    return probabilities[index(arm)];
  }

  /** Every arm's score, in the model's arm order. */
  public Map<String, Double> scores() {
    return byArm(scores);
  }

  /** Every arm's probability, in the model's arm order; they add up to 1. */
  public Map<String, Double> probabilities() {
    return byArm(probabilities);
  }

  private int index(String arm) {
    var i = arms.indexOf(arm);
    if (i < 0) throw new IllegalArgumentException("no arm '" + arm + "' in this decision; its arms are " + arms);
    return i;
  }

  private Map<String, Double> byArm(double[] values) {
    var map = new LinkedHashMap<String, Double>();
    for (var i = 0; i < values.length; i++) map.put(arms.get(i), values[i]);
    return map;
  }

  @Override
  public String toString() {
    return "Decision[arm=" + arm() + ", propensity=" + propensity() + ", scores=" + scores() + "]";
  }
}
