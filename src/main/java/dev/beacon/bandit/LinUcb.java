package dev.beacon.bandit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Disjoint LinUCB (Li, Chu, Langford, Schapire 2010) over arms named by string ids (campaign ids):
 * per arm a ridge regression of the reward on the context, A = λI + Σ xxᵀ, b = Σ rx, θ = A⁻¹b,
 * and the score θᵀx + α·√(xᵀA⁻¹x). A⁻¹ follows A by Sherman–Morrison rank-one updates, and is
 * replaced by the exact inverse (Cholesky) after every K updates of its arm, which bounds the
 * rounding drift and measures it ({@link #drift}). Optional exponential forgetting for drifting
 * traffic is described in {@link LinUcbArm}.
 *
 * <p>A decision is random: with probability 1 − ε the best-scoring arm (ties shared evenly), else
 * an arm drawn uniformly, so arm i has π(i|x) = (1 − ε)/m + ε/k if it is one of the m arms with the
 * top score among k, else ε/k. Ties are exact equality of scores (arms that have learned the
 * same thing, such as fresh ones). One number is drawn from the injected random source per
 * decision and none elsewhere, so a seeded source replays the same decisions.
 *
 * <p>Every input is checked before anything changes: a context of the wrong length, a value or
 * reward that is NaN or infinite, or values so large that the update would overflow get an
 * {@link IllegalArgumentException} naming the field and index, and the model stays as it was
 * (a refused decision draws no random number either).
 *
 * <p>Plain {@code double[]} rather than a matrix library: at d = 21 the work is a few d² loops per
 * call, and EJML or Commons Math would add allocation per call (Commons Math's matrices are
 * immutable objects) or a dependency for a 40-line Cholesky. Not thread-safe: one actor owns a
 * model.
 */
public final class LinUcb {
  private final LinUcbSettings settings;
  private final RandomGenerator random;
  private final Map<String, LinUcbArm> armsById = new HashMap<>();
  private final List<LinUcbArm> arms = new ArrayList<>();
  private List<String> armIds = List.of();
  private final double[] u;
  private final double[] exact;
  private final double[] work;

  public LinUcb(LinUcbSettings settings, RandomGenerator random) {
    this.settings = settings;
    this.random = random;
    var d = settings.dimension();
    u = new double[d];
    exact = new double[d * d];
    work = new double[Cholesky.workLength(d)];
  }

  /** A model with these settings and fresh arms. */
  public static LinUcb withArms(LinUcbSettings settings, List<String> arms, RandomGenerator random) {
    var model = new LinUcb(settings, random);
    arms.forEach(model::addArm);
    return model;
  }

  /** The model {@code parameters} describe, deciding as the exported one would with the same random numbers. */
  public static LinUcb restore(LinUcbParameters parameters, RandomGenerator random) {
    var settings = parameters.settings();
    var d = settings.dimension();
    var model = new LinUcb(settings, random);
    for (var arm : parameters.arms()) {
      model.add(new LinUcbArm(arm.id(), d, flatten(arm.a()), flatten(arm.aInverse()), arm.b().clone(), arm.ridge(), arm.updates(),
          arm.updatesSinceReinversion(), arm.drift()));
    }
    return model;
  }

  public LinUcbSettings settings() {
    return settings;
  }

  /** The arms, in the order they were added. */
  public List<String> arms() {
    return armIds;
  }

  /** Adds a fresh arm (A = λI, b = 0). */
  public void addArm(String id) {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("an arm id must not be blank");
    if (armsById.containsKey(id)) throw new IllegalArgumentException("arm '" + id + "' is already there");
    add(LinUcbArm.fresh(id, settings.dimension(), settings.ridge()));
  }

  /** Removes an arm and what it learned. */
  public void removeArm(String id) {
    var arm = armsById.remove(id);
    if (arm == null) throw new IllegalArgumentException("no arm '" + id + "'");
    arms.remove(arm);
    armIds = arms.stream().map(a -> a.id).toList();
  }

  private void add(LinUcbArm arm) {
    armsById.put(arm.id, arm);
    arms.add(arm);
    armIds = arms.stream().map(a -> a.id).toList();
  }

  /** Scores every arm for {@code context} and draws one (see the class comment for the probabilities). */
  public Decision decide(double[] context) {
    checkContext(context);
    var k = arms.size();
    if (k == 0) throw new IllegalStateException("the model has no arms");
    var scores = new double[k];
    var top = Double.NEGATIVE_INFINITY;
    var tied = 0;
    for (var i = 0; i < k; i++) {
      var score = arms.get(i).score(context, settings.alpha());
      scores[i] = score;
      if (score > top) {
        top = score;
        tied = 1;
      } else if (score == top) {
        tied++;
      }
    }
    var floor = settings.epsilon() / k;
    var best = (1 - settings.epsilon()) / tied + floor;
    var probabilities = new double[k];
    var draw = random.nextDouble();
    var chosen = -1;
    var cumulative = 0.0;
    for (var i = 0; i < k; i++) {
      probabilities[i] = scores[i] == top ? best : floor;
      cumulative += probabilities[i];
      if (chosen < 0 && draw < cumulative) chosen = i;
    }
    // the probabilities may add up to a hair below 1; a draw above their sum takes the last arm
    if (chosen < 0) chosen = k - 1;
    return new Decision(armIds, chosen, scores, probabilities);
  }

  /** Learns {@code reward} for {@code arm} shown in {@code context}. */
  public void update(String arm, double[] context, double reward) {
    var state = armsById.get(arm);
    if (state == null) throw new IllegalArgumentException("no arm '" + arm + "'; the arms are " + armIds);
    checkContext(context);
    if (!Double.isFinite(reward)) throw new IllegalArgumentException("reward must be a finite number, got " + reward);
    var gamma = settings.forgetting();
    var denominator = state.prepare(context, gamma, u);
    checkMagnitudes(context, reward, denominator);
    state.update(context, reward, gamma, u, denominator);
    if (state.updatesSinceReinversion >= settings.reinvertEvery()) state.reinvert(settings.ridge(), exact, work, u);
  }

  /**
   * Forgets learned updates exactly: each arm named in {@code contributions} loses them from A and
   * b, and gets the exact inverse of what is left (see {@link LinUcbArm}), so that it equals, to
   * the rounding of a Cholesky inverse, the arm that never learned them. Only a model without
   * forgetting can (γ = 1: A and b are sums, whatever the order of the updates; with γ < 1 each
   * update's weight γ^(n−i) depends on how many came after it, the forgotten ones included, so
   * the others would need weights of their own). The ridge stays λ. An arm no longer in the model
   * is skipped (what it learned went with it). Throws IllegalStateException with γ < 1.
   */
  public void forget(List<ArmContribution> contributions) {
    if (settings.forgetting() != 1.0) {
      throw new IllegalStateException("a model with forgetting " + settings.forgetting() + " cannot forget updates exactly");
    }
    for (var contribution : contributions) {
      var arm = armsById.get(contribution.arm());
      if (arm != null) arm.forget(contribution, settings.ridge(), exact, work);
    }
  }

  /**
   * The update adds xxᵀ, r·x and uuᵀ/(γ + xᵀu) to finite matrices: if one of those overflows the
   * model would be poisoned, so it is refused first.
   */
  private void checkMagnitudes(double[] context, double reward, double denominator) {
    var largest = 0;
    var maxU = 0.0;
    for (var i = 0; i < context.length; i++) {
      if (Math.abs(context[i]) > Math.abs(context[largest])) largest = i;
      maxU = Math.max(maxU, Math.abs(u[i]));
    }
    var maxX = Math.abs(context[largest]);
    if (!Double.isFinite(maxX * maxX) || !Double.isFinite(reward * maxX) || !(denominator > 0)
        || !Double.isFinite(maxU * maxU / denominator)) {
      throw new IllegalArgumentException("context and reward are too large to learn from: context[" + largest + "] = "
          + context[largest] + ", reward " + reward + "; their products overflow");
    }
  }

  private void checkContext(double[] context) {
    if (context == null) throw new IllegalArgumentException("context is missing");
    if (context.length != settings.dimension()) {
      throw new IllegalArgumentException("context has " + context.length + " values, the model's dimension is " + settings.dimension());
    }
    for (var i = 0; i < context.length; i++) {
      if (!Double.isFinite(context[i])) {
        throw new IllegalArgumentException("context[" + i + "] must be a finite number, got " + context[i]);
      }
    }
  }

  /** Updates learned per arm, in arm order. */
  public Map<String, Long> updates() {
    var counts = new LinkedHashMap<String, Long>();
    arms.forEach(arm -> counts.put(arm.id, arm.updates));
    return counts;
  }

  /**
   * The drift measured at the arms' latest exact re-inversions: the largest max |A⁻¹ kept − A⁻¹
   * exact| among them (0 before any); +∞ if an A was then not positive definite in floating point.
   */
  public double drift() {
    var max = 0.0;
    for (var arm : arms) max = Math.max(max, arm.drift);
    return max;
  }

  /** The drift now: the largest max |A⁻¹ kept − A⁻¹ exact| over the arms; changes nothing (allocates). */
  public double measureDrift() {
    var max = 0.0;
    for (var arm : arms) max = Math.max(max, arm.measureDrift());
    return max;
  }

  /** The model's parameters, copied: nothing done to the model afterwards changes them. */
  public LinUcbParameters export() {
    var d = settings.dimension();
    var exported = new ArrayList<LinUcbParameters.Arm>(arms.size());
    for (var arm : arms) {
      exported.add(new LinUcbParameters.Arm(arm.id, arm.updates, arm.updatesSinceReinversion, arm.ridge, arm.drift,
          rows(arm.a, d), rows(arm.aInverse, d), arm.b));
    }
    return new LinUcbParameters(settings, exported);
  }

  private static double[][] rows(double[] matrix, int d) {
    var rows = new double[d][];
    for (var i = 0; i < d; i++) rows[i] = Arrays.copyOfRange(matrix, i * d, (i + 1) * d);
    return rows;
  }

  private static double[] flatten(double[][] rows) {
    var d = rows.length;
    var matrix = new double[d * d];
    for (var i = 0; i < d; i++) System.arraycopy(rows[i], 0, matrix, i * d, d);
    return matrix;
  }
}
