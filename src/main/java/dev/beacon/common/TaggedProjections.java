package dev.beacon.common;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Projections that hand an entity type's tagged events to something outside the database (a
 * model, a Kafka topic): one per tag, run as a sharded daemon process, each group of up to 1,000
 * events (or what came within 100 ms) handed to a handler whose completion stores the group's
 * offset in the read-side database. At least once: after a crash a group can be handed over
 * again, so the handler must take it twice without effect.
 */
public final class TaggedProjections {
  private static final int GROUP = 1000;
  private static final Duration GROUP_WITHIN = Duration.ofMillis(100);

  private TaggedProjections() {}

  /** {@code name}: the daemon process's and the projections' name (their offsets are stored by it and the tag). */
  public static <E> void atLeastOnce(ActorSystem<?> system, String name, List<String> tags, ReadSideDatabase database,
      Supplier<Handler<List<EventEnvelope<E>>>> handler) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, name, tags.size(),
        i -> ProjectionBehavior.create(JdbcProjection.groupedWithinAsync(ProjectionId.of(name, tags.get(i)),
                EventSourcedProvider.<E>eventsByTag(system, JdbcReadJournal.Identifier(), tags.get(i)), database::session,
                handler, system)
            .withGroup(GROUP, GROUP_WITHIN)),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
  }
}
