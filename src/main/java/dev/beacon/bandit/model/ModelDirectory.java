package dev.beacon.bandit.model;

import dev.beacon.common.CborSerializable;
import dev.beacon.common.Entities;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/**
 * The models of one organisation, by the organisation's id: where its users' conversions go to
 * reward the decisions that showed them the converting campaign. A model registers itself when it
 * is configured and again at every start (so a crash between the two loses nothing); registering
 * twice changes nothing. Models are few per organisation, so the set stays small.
 */
public final class ModelDirectory extends EventSourcedBehaviorWithEnforcedReplies<ModelDirectory.Command,
    ModelDirectory.Registered, ModelDirectory.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "ModelDirectory");

  public sealed interface Command extends CborSerializable permits Register, ListModels, Passivate {}

  public record Register(String modelId) implements Command {}

  public record ListModels(ActorRef<StatusReply<Models>> replyTo) implements Command {}

  public record Models(List<String> modelIds) implements CborSerializable {
    public Models {
      modelIds = List.copyOf(modelIds);
    }
  }

  record Passivate() implements Command {}

  public record Registered(String modelId) implements CborSerializable {}

  /** The model ids, sorted. Immutable: each registration makes a new one. */
  public record State(List<String> modelIds) implements CborSerializable {
    public State {
      modelIds = List.copyOf(modelIds);
    }

    State with(String modelId) {
      var ids = new TreeSet<>(modelIds);
      ids.add(modelId);
      return new State(new ArrayList<>(ids));
    }
  }

  static void init(ActorSystem<?> system) {
    Entities.init(system, ENTITY_TYPE_KEY, ModelDirectory::create, new Passivate());
  }

  static Behavior<Command> create(String organizationId) {
    return new ModelDirectory(organizationId);
  }

  private ModelDirectory(String organizationId) {
    super(Entities.persistenceId(ENTITY_TYPE_KEY, organizationId), Entities.restartWithBackoff());
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public CommandHandlerWithReply<Command, Registered, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Register.class, (state, cmd) -> state.modelIds().contains(cmd.modelId())
            ? Effect().none().thenNoReply()
            : Effect().persist(new Registered(cmd.modelId())).thenNoReply())
        .onCommand(ListModels.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(new Models(state.modelIds()))))
        .onCommand(Passivate.class, (state, cmd) -> Effect().stop().thenNoReply())
        .build();
  }

  @Override
  public EventHandler<State, Registered> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(Registered.class, (state, e) -> state.with(e.modelId())).build();
  }
}
