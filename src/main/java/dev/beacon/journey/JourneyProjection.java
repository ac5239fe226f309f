package dev.beacon.journey;

import dev.beacon.common.LiveBus;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.ops.ProjectionLag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The journeys' read side: one projection per journey tag, run as a sharded daemon process,
 * reading tagged journey events and writing their facts ({@link JourneyReadSide}) exactly once:
 * each group of events and its offset commit in one transaction, and a group handed over again
 * by a restarted projection writes only what was not written yet ({@link ReadProgress}).
 */
final class JourneyProjection {
  /** The projection's name, by which its offsets are stored. */
  static final String NAME = "journeys";

  private JourneyProjection() {}

  /** {@code live}: told, after each commit, which organisations' attribution answers changed. */
  public static void init(ActorSystem<?> system, ReadSideDatabase database, LiveBus live, ProjectionLag lag) {
    var readSide = new JourneyReadSide();
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "journey-projection", JourneyBucket.TAGS.size(),
        i -> ProjectionBehavior.create(projection(system, database, readSide, live, lag, i)),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static org.apache.pekko.projection.Projection<EventEnvelope<JourneyBucket.Event>> projection(
      ActorSystem<?> system, ReadSideDatabase database, JourneyReadSide readSide, LiveBus live, ProjectionLag lag, int slice) {
    var tag = JourneyBucket.TAGS.get(slice);
    var source = EventSourcedProvider.<JourneyBucket.Event>eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.groupedWithin(ProjectionId.of(NAME, tag), source, database::session,
            () -> new Handler(readSide, live, lag, slice), system)
        .withGroup(1000, Duration.ofMillis(250));
  }

  private static final class Handler extends JdbcHandler<List<EventEnvelope<JourneyBucket.Event>>, ReadSideDatabase.Session> {
    private final JourneyReadSide readSide;
    private final LiveBus live;
    private final ProjectionLag lag;
    private final int slice;

    Handler(JourneyReadSide readSide, LiveBus live, ProjectionLag lag, int slice) {
      this.readSide = readSide;
      this.live = live;
      this.lag = lag;
      this.slice = slice;
    }

    @Override
    public void process(ReadSideDatabase.Session session, List<EventEnvelope<JourneyBucket.Event>> envelopes) throws Exception {
      session.withConnection(connection -> {
        var applied = ReadProgress.applied(connection, slice);
        var last = applied;
        var updates = new ArrayList<JourneyBucket.JourneysUpdated>(envelopes.size());
        for (var envelope : envelopes) {
          var ordering = ordering(envelope);
          if (ordering <= applied) continue;
          last = Math.max(last, ordering);
          if (envelope.event() instanceof JourneyBucket.JourneysUpdated u) updates.add(u);
        }
        if (!updates.isEmpty()) {
          readSide.write(connection, slice, updates);
          var organizations = new TreeSet<String>();
          for (var update : updates) organizations.add(update.organizationId());
          session.afterCommit(() -> organizations.forEach(org -> live.publish(new AttributionCommitted(org))));
        }
        if (last > applied) ReadProgress.record(connection, slice, last);
        lag.handled(envelopes);
        return null;
      });
    }

    private static long ordering(EventEnvelope<JourneyBucket.Event> envelope) {
      if (envelope.offset() instanceof Sequence sequence) return sequence.value();
      throw new IllegalStateException("the journal's events-by-tag offsets are sequences, got " + envelope.offset());
    }
  }
}
