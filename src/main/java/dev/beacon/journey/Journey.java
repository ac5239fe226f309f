package dev.beacon.journey;

import dev.beacon.common.CborSerializable;
import dev.beacon.event.Delivered;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The journeys of the users of one organisation that hash to one bucket. Every event that
 * carries a user passes here first, in the same micro-batch as its campaign: the journey is the
 * home of the 72-hour dedup window of its users' event ids, so a client retrying an event is
 * recognised however hot the campaign it belongs to.
 */
public final class Journey
    extends EventSourcedBehaviorWithEnforcedReplies<Journey.Command, Journey.Event, JourneyState> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Journey");

  /**
   * The entity id of the bucket that holds this user's journey: organisation and bucket number.
   * Users are spread over a fixed number of buckets per organisation so that a batch touching a
   * hundred thousand users wakes a few hundred entities, not a hundred thousand (each first wake
   * costs a journal read). Organisation ids never contain '|'.
   */
  public static String entityId(String organizationId, String userId, int buckets) {
    return organizationId + "|b" + Math.floorMod(userId.hashCode() * 0x9E3779B9, buckets);
  }

  public static void init(ActorSystem<?> system, JourneySettings settings, Clock clock) {
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, clock))
            .withStopMessage(new Passivate()));
  }

  // Commands and replies

  public sealed interface Command extends CborSerializable permits Admit, Passivate {}

  /** Admit a micro-batch's events of this user; the reply names the ids refused as retries. */
  public record Admit(List<Delivered> events, ActorRef<StatusReply<Admitted>> replyTo) implements Command {}

  public record Admitted(Set<String> duplicateIds) implements CborSerializable {}

  record Passivate() implements Command {}

  // Events

  public sealed interface Event extends CborSerializable permits IdsRecorded {}

  public record IdsRecorded(List<JourneyState.Seen> seen, long appliedAtMillis) implements Event {}

  // Behaviour

  private final JourneySettings settings;
  private final Clock clock;

  public static Behavior<Command> create(String entityId, JourneySettings settings, Clock clock) {
    return Behaviors.setup(ctx -> new Journey(entityId, settings, clock));
  }

  private Journey(String entityId, JourneySettings settings, Clock clock) {
    super(PersistenceId.ofUniqueId(ENTITY_TYPE_KEY.name() + "|" + entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public JourneyState emptyState() {
    return new JourneyState();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SnapshotAdapter<JourneyState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(JourneyState state) {
        return state.copy();
      }

      @Override
      public JourneyState fromJournal(Object from) {
        // a store that keeps snapshots as objects (no serialization) must not see recovery mutate them
        return ((JourneyState) from).copy();
      }
    };
  }

  @Override
  public CommandHandlerWithReply<Command, Event, JourneyState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Admit.class, this::onAdmit)
        .onCommand(Passivate.class, (state, cmd) -> Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<Event, JourneyState> onAdmit(JourneyState state, Admit cmd) {
    var now = clock.millis();
    var admission = state.admit(cmd.events(), now, settings);
    var reply = StatusReply.success(new Admitted(admission.duplicateIds()));
    if (admission.toRecord().isEmpty()) return Effect().reply(cmd.replyTo(), reply);
    return Effect().persist(new IdsRecorded(admission.toRecord(), now)).thenReply(cmd.replyTo(), s -> reply);
  }

  @Override
  public EventHandler<JourneyState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(IdsRecorded.class, (state, e) -> state.record(e.seen(), e.appliedAtMillis(), settings))
        .build();
  }
}
