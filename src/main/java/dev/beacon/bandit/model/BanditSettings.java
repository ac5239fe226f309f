package dev.beacon.bandit.model;

import com.typesafe.config.Config;
import dev.beacon.bandit.LinUcbSettings;
import dev.beacon.behaviour.Segments;
import java.time.Duration;
import java.util.List;

/**
 * {@code beacon.bandit}: the model entities' reward window and bounds, when they snapshot and
 * checkpoint, the LinUCB settings a new model takes where its configuration says nothing, and the
 * bounds of the offline evaluation over HTTP.
 *
 * @param rewardWindow a reward within this long after its decision is learned; after it, logged only
 * @param closeCheckInterval how often a running model closes the decisions whose window has passed
 * @param maxOpenDecisions decisions held open at most; beyond it the oldest closes early
 * @param snapshotEvery a snapshot after every this many learned updates, at most one per this many events
 * @param snapshotEveryEvents and one after every this many to 1.5 times this many events (decisions alone)
 * @param checkpointEvery a named checkpoint after every this many learned updates
 * @param checkpointsKept the newest checkpoints kept; older ones go
 * @param defaults the settings of a new model; its configuration may name dimension, alpha and lambda
 * @param maxImportSize the largest import body, in bytes
 * @param conversionReward what a conversion in a journey rewards the decision that showed its campaign with
 * @param segments the user segments, each with a model per organisation from the start
 * @param segmentArms the arms (campaign ids) a segment model starts with
 * @param maxEvaluateSize the largest log {@code POST /api/models/evaluate} reads, in bytes
 * @param maxConcurrentEvaluations evaluations a node runs at once; one more is refused (503)
 */
public record BanditSettings(Duration rewardWindow, Duration closeCheckInterval, int maxOpenDecisions, int snapshotEvery,
    int snapshotEveryEvents, int checkpointEvery, int checkpointsKept, LinUcbSettings defaults, long maxImportSize,
    ConversionReward conversionReward, Segments segments, List<String> segmentArms, long maxEvaluateSize,
    int maxConcurrentEvaluations) {

  /** A conversion's reward: 1 ({@code one}), or the conversion's value in currency units ({@code value}). */
  public enum ConversionReward { ONE, VALUE }

  public BanditSettings {
    if (rewardWindow.isNegative() || rewardWindow.isZero()) throw new IllegalArgumentException("beacon.bandit.reward-window: must be positive");
    if (closeCheckInterval.isNegative() || closeCheckInterval.isZero()) {
      throw new IllegalArgumentException("beacon.bandit.close-check-interval: must be positive");
    }
    if (maxOpenDecisions < 1) throw new IllegalArgumentException("beacon.bandit.max-open-decisions: at least 1");
    if (snapshotEvery < 1 || snapshotEveryEvents < 1) throw new IllegalArgumentException("beacon.bandit.snapshot-every: at least 1");
    if (checkpointEvery < 1) throw new IllegalArgumentException("beacon.bandit.checkpoint-every: at least 1");
    if (checkpointsKept < 1) throw new IllegalArgumentException("beacon.bandit.checkpoints-kept: at least 1");
    segmentArms = List.copyOf(segmentArms);
    var armProblem = ModelChecks.armProblem(segmentArms);
    if (armProblem != null) throw new IllegalArgumentException("beacon.bandit.segment-arms: " + armProblem);
    if (maxEvaluateSize < 1) throw new IllegalArgumentException("beacon.bandit.max-evaluate-size: at least 1 byte");
    if (maxConcurrentEvaluations < 1) throw new IllegalArgumentException("beacon.bandit.max-concurrent-evaluations: at least 1");
  }

  public static BanditSettings from(Config c) {
    var defaults = new LinUcbSettings(c.getInt("dimension"), c.getDouble("alpha"), c.getDouble("lambda"), c.getDouble("epsilon"),
        c.getDouble("forgetting"), c.getInt("reinvert-every"));
    return new BanditSettings(
        c.getDuration("reward-window"),
        c.getDuration("close-check-interval"),
        c.getInt("max-open-decisions"),
        c.getInt("snapshot-every"),
        c.getInt("snapshot-every-events"),
        c.getInt("checkpoint-every"),
        c.getInt("checkpoints-kept"),
        defaults,
        c.getBytes("max-import-size"),
        conversionReward(c.getString("conversion-reward")),
        Segments.from(c),
        c.getStringList("segment-arms"),
        c.getBytes("max-evaluate-size"),
        c.getInt("max-concurrent-evaluations"));
  }

  private static ConversionReward conversionReward(String name) {
    return switch (name) {
      case "one" -> ConversionReward.ONE;
      case "value" -> ConversionReward.VALUE;
      default -> throw new IllegalArgumentException("beacon.bandit.conversion-reward: one or value, got '" + name + "'");
    };
  }
}
