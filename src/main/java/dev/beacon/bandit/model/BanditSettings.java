package dev.beacon.bandit.model;

import com.typesafe.config.Config;
import dev.beacon.bandit.LinUcbSettings;
import java.time.Duration;

/**
 * {@code beacon.bandit}: the model entities' reward window and bounds, when they snapshot and
 * checkpoint, and the LinUCB settings a new model takes where its configuration says nothing.
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
 */
public record BanditSettings(Duration rewardWindow, Duration closeCheckInterval, int maxOpenDecisions, int snapshotEvery,
    int snapshotEveryEvents, int checkpointEvery, int checkpointsKept, LinUcbSettings defaults, long maxImportSize) {

  public BanditSettings {
    if (rewardWindow.isNegative() || rewardWindow.isZero()) throw new IllegalArgumentException("beacon.bandit.reward-window: must be positive");
    if (closeCheckInterval.isNegative() || closeCheckInterval.isZero()) {
      throw new IllegalArgumentException("beacon.bandit.close-check-interval: must be positive");
    }
    if (maxOpenDecisions < 1) throw new IllegalArgumentException("beacon.bandit.max-open-decisions: at least 1");
    if (snapshotEvery < 1 || snapshotEveryEvents < 1) throw new IllegalArgumentException("beacon.bandit.snapshot-every: at least 1");
    if (checkpointEvery < 1) throw new IllegalArgumentException("beacon.bandit.checkpoint-every: at least 1");
    if (checkpointsKept < 1) throw new IllegalArgumentException("beacon.bandit.checkpoints-kept: at least 1");
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
        c.getBytes("max-import-size"));
  }
}
