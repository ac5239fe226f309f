package dev.beacon.campaign;

import dev.beacon.common.CborSerializable;
import dev.beacon.common.Entities;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The campaigns an organisation has: what the dashboard sums over. The ingest stream registers
 * a campaign the first time it sees it, before it commits the batch's offsets; it persists only
 * when a campaign is new, so it costs nothing on the steady path.
 */
public final class OrganizationCampaigns
    extends EventSourcedBehaviorWithEnforcedReplies<OrganizationCampaigns.Command, OrganizationCampaigns.Event, OrganizationCampaigns.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "OrganizationCampaigns");

  /** Most campaigns one organisation may have; a new one past the cap is refused, and logged. */
  static final int MAX_CAMPAIGNS = 100_000;

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId())));
  }

  public sealed interface Command extends CborSerializable permits Register, ListCampaigns {}

  public record Register(Set<String> campaignIds, ActorRef<StatusReply<Registered>> replyTo) implements Command {}

  public record Registered(int campaigns) implements CborSerializable {}

  public record ListCampaigns(ActorRef<StatusReply<Campaigns>> replyTo) implements Command {}

  public record Campaigns(List<String> campaignIds) implements CborSerializable {}

  public sealed interface Event extends CborSerializable permits CampaignsRegistered {}

  public record CampaignsRegistered(Set<String> campaignIds) implements Event {}

  public record State(TreeSet<String> campaignIds) implements CborSerializable {
    // Copied on every change: registrations are rare and snapshots serialize the state later.
    State add(Set<String> ids) {
      var next = new TreeSet<>(campaignIds);
      next.addAll(ids);
      return new State(next);
    }
  }

  public static Behavior<Command> create(String organizationId) {
    return new OrganizationCampaigns(organizationId);
  }

  private OrganizationCampaigns(String organizationId) {
    super(Entities.persistenceId(ENTITY_TYPE_KEY, organizationId), Entities.restartWithBackoff());
  }

  @Override
  public State emptyState() {
    return new State(new TreeSet<>());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(ListCampaigns.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            StatusReply.success(new Campaigns(List.copyOf(state.campaignIds())))))
        .build();
  }

  private ReplyEffect<Event, State> onRegister(State state, Register cmd) {
    var fresh = new TreeSet<>(cmd.campaignIds());
    fresh.removeAll(state.campaignIds());
    var room = MAX_CAMPAIGNS - state.campaignIds().size();
    while (fresh.size() > Math.max(0, room)) fresh.pollLast();
    if (fresh.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Registered(state.campaignIds().size())));
    }
    return Effect().persist(new CampaignsRegistered(Set.copyOf(fresh)))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Registered(s.campaignIds().size())));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(CampaignsRegistered.class, (state, e) -> state.add(e.campaignIds()))
        .build();
  }
}
