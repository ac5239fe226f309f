package dev.beacon.common;

import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/** When entities snapshot. */
final class Snapshots {
  private Snapshots() {}

  /**
   * A snapshot every {@code every} to {@code 1.5 × every} events, the exact count fixed per entity
   * by its id, keeping the last two. Entities of one type that start together (every campaign
   * and journey bucket a micro-batch touches persists one event each) would otherwise all
   * snapshot in the same batch, and the pipeline would stall while thousands of states are
   * serialized and written at once.
   */
  public static RetentionCriteria staggered(int every, String entityId) {
    return RetentionCriteria.snapshotEvery(period(every, entityId), 2);
  }

  /** How many events apart this entity's snapshots are: {@code every} to {@code 1.5 × every}. */
  static int period(int every, String entityId) {
    var spread = Math.max(1, every / 2);
    return every + Math.floorMod(entityId.hashCode() * 0x9E3779B9, spread);
  }
}
