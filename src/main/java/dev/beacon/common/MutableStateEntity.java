package dev.beacon.common;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * An event-sourced entity whose state is a mutable class that its event handler changes in place
 * (a campaign's windows, a journey bucket's users: copying them per event would cost more than
 * the event). It owns what such an entity must get right, once:
 *
 * <ul>
 *   <li>recovery starts from a state nothing has changed ({@link #writable});
 *   <li>snapshots are copies, taken and restored, so a snapshot is never the live state;
 *   <li>snapshots are staggered per entity ({@link Snapshots#staggered}), keeping the last two;
 *   <li>a failure restarts the entity with backoff ({@link Entities#restartWithBackoff}).
 * </ul>
 */
public abstract class MutableStateEntity<C, E, S> extends EventSourcedBehaviorWithEnforcedReplies<C, E, S> {
  private final Supplier<S> emptyState;
  private final UnaryOperator<S> copy;
  private final int snapshotEvery;

  /**
   * Where every recovery of this actor starts: Pekko asks for the empty state once per actor and
   * begins each recovery from that same object, a restart after a journal failure included. So
   * the event handler never changes this one (else a restart would start from everything applied
   * before it, the failed event too, and replay it all on top).
   */
  private final S recoveryStart;

  protected MutableStateEntity(EntityTypeKey<C> type, String entityId, int snapshotEvery, Supplier<S> emptyState,
      UnaryOperator<S> copy) {
    super(Entities.persistenceId(type, entityId), Entities.restartWithBackoff());
    this.emptyState = emptyState;
    this.copy = copy;
    this.snapshotEvery = snapshotEvery;
    this.recoveryStart = emptyState.get();
  }

  @Override
  public final S emptyState() {
    return recoveryStart;
  }

  /** The state an event handler may change: a fresh one in place of the recovery start. */
  protected final S writable(S state) {
    return state == recoveryStart ? emptyState.get() : state;
  }

  @Override
  public final RetentionCriteria retentionCriteria() {
    return Snapshots.staggered(snapshotEvery, persistenceId().id());
  }

  @Override
  public final SnapshotAdapter<S> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(S state) {
        return copy.apply(state);
      }

      @Override
      @SuppressWarnings("unchecked")
      public S fromJournal(Object from) {
        // a store that keeps snapshots as objects (no serialization) must not see recovery mutate them
        return copy.apply((S) from);
      }
    };
  }
}
