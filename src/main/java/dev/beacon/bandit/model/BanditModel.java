package dev.beacon.bandit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.beacon.bandit.LinUcbParameters;
import dev.beacon.bandit.LinUcbSettings;
import dev.beacon.bandit.context.ContextFeatures;
import dev.beacon.bandit.context.RunningStandardizer;
import dev.beacon.common.CborSerializable;
import dev.beacon.common.Entities;
import dev.beacon.common.MutableStateEntity;
import dev.beacon.privacy.Forgotten;
import dev.beacon.privacy.UserKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One LinUCB model, by its model id, of one organisation: it decides which arm (campaign) to show
 * for a context and learns the rewards of its decisions. Every decision is persisted with its
 * features, arm, propensity, random draw and the model version it was made with, and stays open for
 * the reward window: a reward within it is learned once; one after it is logged and not learned;
 * when the window closes without a reward, reward 0 is learned (checked every close-check-interval
 * while the model runs, and as soon as a passivated model starts again); a second reward for a decision is refused, also after a restart. Checks
 * come before anything is persisted, so refused input leaves the model as it was. Events are the
 * facts (the decision's draw included), so a replay rebuilds the same parameters, checkpoints and
 * counters. A snapshot every {@code snapshot-every} learned updates, a named checkpoint every
 * {@code checkpoint-every}; rollback to a checkpoint and import of parameters are events too.
 * A share of a micro-batch of the interactions topic is learned in one event, exactly once: the
 * event keeps the highest offset taken per partition, and a record at or below it is skipped.
 * Decisions are tagged (one of {@link #TAGS}) for the predictions projection.
 */
public final class BanditModel extends MutableStateEntity<BanditModel.Command, BanditModel.Event, BanditModelState> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "BanditModel");
  /**
   * The tags decisions carry, one per model, for the predictions projection (one instance per
   * tag). Never change the count of a running system: a model's tag would move.
   */
  public static final List<String> TAGS = IntStream.range(0, 4).mapToObj(i -> "bandit-" + i).toList();
  /** {@code counts}: where the models count their decisions and learned updates (on /metrics). */
  public static void init(ActorSystem<?> system, BanditSettings settings, Clock clock, ModelCounts counts) {
    var sharding = ClusterSharding.get(system);
    ModelRegistry registry = (organizationId, modelId) ->
        sharding.entityRefFor(ModelDirectory.ENTITY_TYPE_KEY, organizationId).tell(new ModelDirectory.Register(modelId));
    Entities.init(system, ENTITY_TYPE_KEY, modelId -> create(modelId, settings, clock, new SplittableRandom(), registry, counts),
        new Passivate());
  }

  /** What a model made and learned, counted once persisted (never on replay). */
  @FunctionalInterface
  public interface ModelCounts {
    void add(long decisions, long updates);
  }

  /** Where a model says it exists, so that its organisation's conversions reach it ({@link ModelDirectory}). */
  @FunctionalInterface
  interface ModelRegistry {
    void register(String organizationId, String modelId);
  }

  // Commands and replies

  public sealed interface Command extends CborSerializable
      permits Configure, Decide, DecideForUser, Reward, RewardConversions, LearnInteractions, GetStats, GetOrganization,
      ListCheckpoints, Rollback, Export, Import, ForgetUser, CloseDue, Passivate {}

  /** Creates the model, or reconfigures it: arms added and removed, alpha changed. Null: the default, or what the model has. */
  public record Configure(String organizationId, List<String> arms, Integer dimension, Double alpha, Double lambda,
      ActorRef<StatusReply<Configuration>> replyTo) implements Command {
    public Configure {
      arms = List.copyOf(arms);
    }
  }

  /** {@code created}: the model did not exist before; {@code changed}: this configuration changed it. */
  public record Configuration(boolean created, boolean changed, ModelStats stats) implements CborSerializable {}

  /** Decide for a context; {@code userId} (may be null) is kept with the decision. */
  public record Decide(double[] features, String userId, ActorRef<StatusReply<DecisionMade>> replyTo) implements Command {}

  public record DecisionMade(String decisionId, String arm, double propensity, Map<String, Double> scores, long modelVersion)
      implements CborSerializable {}

  /**
   * Decides for a user from the context built from their journey ({@link dev.beacon.bandit.context.ContextFeatures},
   * not yet standardised): the model standardises it with its running statistics, which then learn it.
   * Without {@code adPersonalization} (the user's consent) the decision uses none of the user's
   * features ({@link ContextFeatures#withoutUser}), keeps no user id, the statistics do not learn
   * the context, and a reward for it is logged, not learned.
   */
  public record DecideForUser(String userId, double[] context, boolean adPersonalization, ActorRef<StatusReply<DecisionMade>> replyTo)
      implements Command {}

  public record Reward(String decisionId, double reward, ActorRef<StatusReply<RewardTaken>> replyTo) implements Command {}

  /**
   * Conversions of users in this model's organisation: each rewards the decision that showed the
   * user one of the campaigns it credits ({@link BanditModelState#conversionDecision}), once.
   */
  public record RewardConversions(List<ConversionSeen> conversions, ActorRef<StatusReply<ConversionsRewarded>> replyTo)
      implements Command {
    public RewardConversions {
      conversions = List.copyOf(conversions);
    }
  }

  /**
   * A user's conversion at {@code convertedAtMillis} (event time), worth {@code value}, crediting
   * {@code campaigns}; {@code conversionId} tells it from the user's other conversions.
   */
  public record ConversionSeen(String userId, String conversionId, List<String> campaigns, long convertedAtMillis, double value)
      implements CborSerializable {
    public ConversionSeen {
      campaigns = List.copyOf(campaigns);
    }
  }

  /** The decisions the conversions rewarded, as decision ids (none when no decision showed the users those campaigns). */
  public record ConversionsRewarded(List<String> decisionIds) implements CborSerializable {}

  /** {@code learned}: the model learned the reward; else {@code reason} says why it was only logged. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RewardTaken(String decisionId, double reward, boolean learned, long modelVersion, String reason)
      implements CborSerializable {}

  /**
   * The model's share of a micro-batch of the interactions topic, in offset order per partition;
   * {@code offsets}: the highest offset of each partition in the share, the records the model
   * refused before included (they went to the dead-letter topic), so that none is taken again.
   */
  public record LearnInteractions(List<Interaction> interactions, Map<String, Long> offsets,
      ActorRef<StatusReply<Interaction.Taken>> replyTo) implements Command {
    public LearnInteractions {
      interactions = List.copyOf(interactions);
      offsets = Map.copyOf(offsets);
    }
  }

  public record GetStats(ActorRef<StatusReply<ModelStats>> replyTo) implements Command {}

  public record GetOrganization(ActorRef<StatusReply<Organization>> replyTo) implements Command {}

  public record Organization(String organizationId) implements CborSerializable {}

  public record ListCheckpoints(ActorRef<StatusReply<Checkpoints>> replyTo) implements Command {}

  public record Checkpoints(String modelId, List<CheckpointInfo> checkpoints) implements CborSerializable {}

  public record CheckpointInfo(String name, long version, long totalUpdates, Instant takenAt) implements CborSerializable {}

  public record Rollback(String checkpoint, ActorRef<StatusReply<ModelStats>> replyTo) implements Command {}

  public record Export(ActorRef<StatusReply<Exported>> replyTo) implements Command {}

  public record Exported(LinUcbParameters parameters) implements CborSerializable {}

  /** Replaces the model's parameters (settings and arms included); the dimension must stay. */
  public record Import(LinUcbParameters parameters, ActorRef<StatusReply<ModelStats>> replyTo) implements Command {}

  /**
   * Forget a user of the model's organisation (an erasure): their open decisions go (a reward for
   * one is then refused as an unknown decision), what they taught leaves the parameters exactly,
   * and their contexts the standardiser's statistics. Answered once the snapshot taken after it is
   * saved, with its sequence number: every journal row and snapshot below it may then be deleted.
   */
  public record ForgetUser(String userId, ActorRef<StatusReply<Forgotten>> replyTo) implements Command {}

  /** The timer's: close the decisions whose reward window has passed. */
  record CloseDue() implements Command {}

  record Passivate() implements Command {}

  /** Rejections the routes type (404, 409); every other rejection is bad input, {@code "field: reason"}. */
  public static final String UNKNOWN_MODEL = "unknown model";
  public static final String UNKNOWN_DECISION = "unknown decision";
  public static final String ALREADY_REWARDED = "decision already rewarded";
  public static final String OTHER_ORGANIZATION = "model of another organization";

  // Events

  public sealed interface Event extends CborSerializable
      permits Configured, Decided, Rewarded, RewardLogged, InteractionsLearned, DecisionsClosed, CheckpointTaken, RolledBack,
      Imported, UserForgotten {}

  /** The model as configured: its organisation, its arms in order, its settings. */
  public record Configured(String organizationId, List<String> arms, LinUcbSettings settings, long atMillis) implements Event {
    public Configured {
      arms = List.copyOf(arms);
    }
  }

  /**
   * Decision {@code number}: made from {@code features} with the random number {@code draw} by version {@code modelVersion};
   * {@code withoutConsent}: for a user who has not granted ad personalisation (its reward is logged, not learned).
   */
  public record Decided(long number, double[] features, String arm, double propensity, double draw, long modelVersion,
      long atMillis, String userId, @JsonInclude(JsonInclude.Include.NON_NULL) double[] context,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean withoutConsent) implements Event {
    /** A decision on the features given, not on a context built from a journey. */
    public Decided(long number, double[] features, String arm, double propensity, double draw, long modelVersion, long atMillis,
        String userId) {
      this(number, features, arm, propensity, draw, modelVersion, atMillis, userId, null, false);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Decided d && number == d.number && Arrays.equals(features, d.features) && arm.equals(d.arm)
          && Double.compare(propensity, d.propensity) == 0 && Double.compare(draw, d.draw) == 0 && modelVersion == d.modelVersion
          && atMillis == d.atMillis && Objects.equals(userId, d.userId) && Arrays.equals(context, d.context)
          && withoutConsent == d.withoutConsent;
    }

    @Override
    public int hashCode() {
      return Objects.hash(number, Arrays.hashCode(features), arm, propensity, draw, modelVersion, atMillis, userId,
          Arrays.hashCode(context), withoutConsent);
    }

    @Override
    public String toString() {
      return "Decided[number=" + number + ", features=" + Arrays.toString(features) + ", arm=" + arm + ", propensity="
          + propensity + ", draw=" + draw + ", modelVersion=" + modelVersion + ", atMillis=" + atMillis + ", userId=" + userId
          + (context == null ? "" : ", context=" + Arrays.toString(context)) + (withoutConsent ? ", withoutConsent" : "") + "]";
    }
  }

  /** A reward within the window, learned. */
  /** {@code conversionId}: the user's conversion that gave the reward, null for a reward sent for the decision. */
  public record Rewarded(long number, double reward, long atMillis, @JsonInclude(JsonInclude.Include.NON_NULL) String conversionId)
      implements Event {
    public Rewarded(long number, double reward, long atMillis) {
      this(number, reward, atMillis, null);
    }
  }

  /** A reward not learned: after the window, or for an arm no longer in the model. */
  public record RewardLogged(long number, double reward, long atMillis, String reason) implements Event {}

  /**
   * A share of a micro-batch of the interactions topic, learned in order; {@code offsets}: the
   * highest offset taken per topic partition. Written by {@link BanditEventSerializer}.
   */
  public record InteractionsLearned(List<Learned> learned, Map<String, Long> offsets, long atMillis) implements Event {
    public InteractionsLearned {
      learned = List.copyOf(learned);
      offsets = Map.copyOf(offsets);
    }
  }

  /** The open decisions below {@code below} close; those without a learned reward learn 0. */
  public record DecisionsClosed(long below, long atMillis) implements Event {}

  /** A checkpoint of the parameters as they are, named; the checkpoints {@code dropped} go. */
  public record CheckpointTaken(String name, long atMillis, List<String> dropped) implements Event {
    public CheckpointTaken {
      dropped = List.copyOf(dropped);
    }
  }

  public record RolledBack(String checkpoint, long atMillis) implements Event {}

  public record Imported(LinUcbParameters parameters, long atMillis) implements Event {}

  /**
   * A user forgotten, named by {@link UserKeys#key} only: the open decisions of theirs dropped,
   * what they taught (subtracted from the parameters and checkpoints), their raw contexts' statistics
   * (removed from the standardiser's); {@code restarted}: the arms started again instead (see
   * {@link BanditModelState#userForgotten}).
   */
  public record UserForgotten(String userKey, List<Long> decisions, List<UserLedgers.EpochContribution> contributions,
      @JsonInclude(JsonInclude.Include.NON_NULL) RunningStandardizer.State contexts, boolean restarted, long atMillis)
      implements Event {
    public UserForgotten {
      decisions = List.copyOf(decisions);
      contributions = List.copyOf(contributions);
    }
  }

  // Behaviour

  private final String modelId;
  /** The segment and organisation of a segment model ({@code segment@organization}), else null. */
  private final SegmentModelId segmentModel;
  private final BanditSettings settings;
  private final Clock clock;
  private final RandomGenerator random;
  private final TimerScheduler<Command> timers;
  private final ActorContext<Command> context;
  private final ActorRef<Command> self;
  /** The sequence number of the latest snapshot saved since the model started (the signal says so); 0 for none. */
  private long snapshotSaved;
  private final ModelRegistry registry;
  private final ModelCounts counts;
  private final long windowMillis;
  private final Set<String> tags;
  /** The sequence number of the latest snapshot {@link #shouldSnapshot} asked for since the model started; none yet. */
  private long snapshotAsked = Long.MIN_VALUE / 2;

  /** {@code random}: where decisions draw their number (the draw is then in the event, never drawn again). */
  public static Behavior<Command> create(String modelId, BanditSettings settings, Clock clock, RandomGenerator random) {
    return create(modelId, settings, clock, random, (organizationId, id) -> { }, (decisions, updates) -> { });
  }

  static Behavior<Command> create(String modelId, BanditSettings settings, Clock clock, RandomGenerator random,
      ModelRegistry registry, ModelCounts counts) {
    return Behaviors.withTimers(timers -> Behaviors.setup(ctx ->
        new BanditModel(modelId, settings, clock, random, timers, ctx, registry, counts)));
  }

  private BanditModel(String modelId, BanditSettings settings, Clock clock, RandomGenerator random, TimerScheduler<Command> timers,
      ActorContext<Command> context, ModelRegistry registry, ModelCounts counts) {
    super(ENTITY_TYPE_KEY, modelId, settings.snapshotEveryEvents(), BanditModelState::new, BanditModelState::copy);
    this.modelId = modelId;
    this.segmentModel = SegmentModelId.parse(modelId, settings.segments().names()).orElse(null);
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.timers = timers;
    this.context = context;
    this.self = context.getSelf();
    this.registry = registry;
    this.counts = counts;
    this.windowMillis = settings.rewardWindow().toMillis();
    this.tags = Set.of(TAGS.get(Math.floorMod(modelId.hashCode(), TAGS.size())));
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return event instanceof Decided ? tags : Set.of();
  }

  @Override
  public SignalHandler<BanditModelState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // the first look at once: a model passivated for days has windows to close
          timers.startTimerWithFixedDelay(new CloseDue(), new CloseDue(), java.time.Duration.ZERO, settings.closeCheckInterval());
          // again at every start: a crash right after the model was configured may have lost the first
          if (state.isConfigured()) registry.register(state.organizationId(), modelId);
        })
        .onSignal(SnapshotCompleted.class, (state, done) -> snapshotSaved = done.metadata().sequenceNr())
        .onSignal(SnapshotFailed.class, (state, failed) ->
            context.getLog().warn("Model {}: snapshot {} failed", modelId, failed.metadata().sequenceNr(), failed.getFailure()))
        .build();
  }

  /**
   * A snapshot after an event that takes the learned updates past a multiple of snapshot-every, at
   * most one per snapshot-every events: a share of the interactions topic learns thousands of
   * updates in one event, and Pekko deletes a snapshot taken this way only two snapshot-every-events
   * periods later (with the snapshots it takes by that count), so their number is bounded in events.
   */
  @Override
  public boolean shouldSnapshot(BanditModelState state, Event event, long sequenceNr) {
    // the journal below a forgetting is deleted once a snapshot holds the state after it
    if (event instanceof UserForgotten) return true;
    var every = settings.snapshotEvery();
    if (state.totalUpdates() / every <= state.updatesBeforeLatestEvent() / every || sequenceNr - snapshotAsked < every) return false;
    snapshotAsked = sequenceNr;
    return true;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, BanditModelState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    // a segment model exists from the start: the first command that needs it configures it with the segment arms
    builder.forState(this::unstartedSegmentModel)
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(GetOrganization.class, cmd -> Effect().reply(cmd.replyTo(),
            StatusReply.success(new Organization(segmentModel.organizationId()))))
        .onCommand(RewardConversions.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.success(new ConversionsRewarded(List.of()))))
        .onCommand(CloseDue.class, cmd -> Effect().none().thenNoReply())
        .onCommand(ForgetUser.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.success(new Forgotten(persistenceId().id(), 0))))
        .onCommand(Passivate.class, cmd -> Effect().stop().thenNoReply())
        .onAnyCommand(cmd -> Effect().persist(new Configured(segmentModel.organizationId(), settings.segmentArms(), settings.defaults(),
            clock.millis())).thenRun(s -> {
              registry.register(s.organizationId(), modelId);
              self.tell(cmd);
            }).thenNoReply());
    builder.forAnyState()
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(Decide.class, this::onDecide)
        .onCommand(DecideForUser.class, this::onDecideForUser)
        .onCommand(Reward.class, this::onReward)
        .onCommand(RewardConversions.class, this::onRewardConversions)
        .onCommand(LearnInteractions.class, this::onLearnInteractions)
        .onCommand(GetStats.class, (state, cmd) -> known(state, cmd.replyTo(), () -> state.stats(modelId)))
        .onCommand(GetOrganization.class, (state, cmd) -> known(state, cmd.replyTo(), () -> new Organization(state.organizationId())))
        .onCommand(ListCheckpoints.class, (state, cmd) -> known(state, cmd.replyTo(), () -> checkpoints(state)))
        .onCommand(Export.class, (state, cmd) -> known(state, cmd.replyTo(), () -> new Exported(state.export())))
        .onCommand(Rollback.class, this::onRollback)
        .onCommand(Import.class, this::onImport)
        .onCommand(ForgetUser.class, this::onForgetUser)
        .onCommand(CloseDue.class, this::onCloseDue)
        .onCommand(Passivate.class, (state, cmd) -> Effect().stop().thenNoReply());
    return builder.build();
  }

  private boolean unstartedSegmentModel(BanditModelState state) {
    return segmentModel != null && !state.isConfigured();
  }

  private <T> ReplyEffect<Event, BanditModelState> known(BanditModelState state, ActorRef<StatusReply<T>> replyTo,
      java.util.function.Supplier<T> answer) {
    if (!state.isConfigured()) return Effect().reply(replyTo, StatusReply.error(UNKNOWN_MODEL));
    return Effect().reply(replyTo, StatusReply.success(answer.get()));
  }

  private Checkpoints checkpoints(BanditModelState state) {
    return new Checkpoints(modelId, state.checkpoints().stream()
        .map(c -> new CheckpointInfo(c.name(), c.version(), c.totalUpdates(), Instant.ofEpochMilli(c.takenAtMillis())))
        .toList());
  }

  private <T> ReplyEffect<Event, BanditModelState> refuse(ActorRef<StatusReply<T>> replyTo, String reason) {
    return Effect().reply(replyTo, StatusReply.error(reason));
  }

  private ReplyEffect<Event, BanditModelState> onConfigure(BanditModelState state, Configure cmd) {
    var problem = ModelChecks.configurationProblem(cmd.organizationId(), cmd.arms(), cmd.dimension(), cmd.alpha(), cmd.lambda());
    if (problem != null) return refuse(cmd.replyTo(), problem);
    if (segmentModel != null && !segmentModel.organizationId().equals(cmd.organizationId())) {
      return refuse(cmd.replyTo(), OTHER_ORGANIZATION);
    }
    var created = !state.isConfigured();
    LinUcbSettings target;
    if (created) {
      var d = settings.defaults();
      target = new LinUcbSettings(cmd.dimension() == null ? d.dimension() : cmd.dimension(),
          cmd.alpha() == null ? d.alpha() : cmd.alpha(), cmd.lambda() == null ? d.ridge() : cmd.lambda(), d.epsilon(),
          d.forgetting(), d.reinvertEvery());
    } else {
      var current = state.settings();
      if (!state.organizationId().equals(cmd.organizationId())) return refuse(cmd.replyTo(), OTHER_ORGANIZATION);
      if (cmd.dimension() != null && cmd.dimension() != current.dimension()) {
        return refuse(cmd.replyTo(), "dimension: the model's dimension is " + current.dimension() + " and cannot change");
      }
      if (cmd.lambda() != null && Double.compare(cmd.lambda(), current.ridge()) != 0) {
        return refuse(cmd.replyTo(), "lambda: the model's lambda is " + current.ridge() + " and cannot change");
      }
      target = cmd.alpha() == null ? current : new LinUcbSettings(current.dimension(), cmd.alpha(), current.ridge(),
          current.epsilon(), current.forgetting(), current.reinvertEvery());
      if (target.equals(current) && new HashSet<>(cmd.arms()).equals(new HashSet<>(state.arms()))) {
        return Effect().reply(cmd.replyTo(), StatusReply.success(new Configuration(false, false, state.stats(modelId))));
      }
    }
    var event = new Configured(cmd.organizationId(), cmd.arms(), target, clock.millis());
    return Effect().persist(event).thenRun(s -> registry.register(s.organizationId(), modelId))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Configuration(created, true, s.stats(modelId))));
  }

  private ReplyEffect<Event, BanditModelState> onDecide(BanditModelState state, Decide cmd) {
    if (!state.isConfigured()) return refuse(cmd.replyTo(), UNKNOWN_MODEL);
    var problem = ModelChecks.featuresProblem(cmd.features(), state.settings().dimension());
    if (problem != null) return refuse(cmd.replyTo(), problem);
    return decide(state, cmd.features().clone(), cmd.userId(), null, false, cmd.replyTo());
  }

  private ReplyEffect<Event, BanditModelState> onDecideForUser(BanditModelState state, DecideForUser cmd) {
    if (!state.isConfigured()) return refuse(cmd.replyTo(), UNKNOWN_MODEL);
    var dimension = state.settings().dimension();
    if (dimension != ContextFeatures.DIMENSION) {
      return refuse(cmd.replyTo(), "userId: model " + modelId + " has dimension " + dimension + "; deciding from a user's journey "
          + "takes the " + ContextFeatures.DIMENSION + " context dimensions, so give features instead");
    }
    var context = cmd.context().clone();
    if (!cmd.adPersonalization()) return decide(state, ContextFeatures.withoutUser(context), null, null, true, cmd.replyTo());
    return decide(state, state.standardize(context), cmd.userId(), context, false, cmd.replyTo());
  }

  /** Decision on {@code features} (standardised from {@code context} when it was built from a journey). */
  private ReplyEffect<Event, BanditModelState> decide(BanditModelState state, double[] features, String userId, double[] context,
      boolean withoutConsent, ActorRef<StatusReply<DecisionMade>> replyTo) {
    var draw = random.nextDouble();
    var decision = state.decide(features, draw);
    var now = clock.millis();
    var number = state.decisions() + 1;
    var events = new ArrayList<Event>();
    events.add(new Decided(number, features, decision.arm(), decision.propensity(), draw, state.version(), now, userId, context,
        withoutConsent));
    // past the bound, the oldest decisions close early, as if their window had passed
    var overflow = state.openCount() + 1 - settings.maxOpenDecisions();
    if (overflow > 0) addClosing(state, state.belowOldest(overflow), now, events);
    var reply = new DecisionMade(ModelChecks.decisionId(number), decision.arm(), decision.propensity(), decision.scores(),
        state.version());
    return persist(state, events).thenReply(replyTo, s -> StatusReply.success(reply));
  }

  private ReplyEffect<Event, BanditModelState> onReward(BanditModelState state, Reward cmd) {
    if (!state.isConfigured()) return refuse(cmd.replyTo(), UNKNOWN_MODEL);
    var rewardProblem = ModelChecks.rewardProblem(cmd.reward());
    if (rewardProblem != null) return refuse(cmd.replyTo(), rewardProblem);
    var number = ModelChecks.decisionNumber(cmd.decisionId());
    var now = clock.millis();
    var id = cmd.decisionId();
    var standing = state.standing(number, now, windowMillis);
    return switch (standing) {
      case UNKNOWN -> refuse(cmd.replyTo(), UNKNOWN_DECISION);
      case ANSWERED -> refuse(cmd.replyTo(), ALREADY_REWARDED);
      case LATE, CLOSED, ARM_GONE, WITHOUT_CONSENT -> logged(state, cmd, number, now, state.notLearned(standing, number, settings.rewardWindow()));
      case LEARNABLE -> {
        var events = new ArrayList<Event>();
        events.add(new Rewarded(number, cmd.reward(), now));
        addCheckpoint(state, 1, now, events);
        yield persist(state, events).thenReply(cmd.replyTo(), s -> {
          var learned = s.openDecision(number).learned();
          return StatusReply.success(new RewardTaken(id, cmd.reward(), learned, s.version(),
              learned ? null : "the model refused the update (see the server log)"));
        });
      }
    };
  }

  /**
   * Each conversion rewards at most one decision, and a decision learns one reward: a conversion
   * delivered again finds the decision it rewarded (kept with it while the decision is open) and
   * rewards nothing, not even an older decision it could have rewarded; once that decision has
   * closed, every older one has too. So a redelivery never learns twice. The reward is 1, or the conversion's value ({@code beacon.bandit.conversion-reward}).
   */
  private ReplyEffect<Event, BanditModelState> onRewardConversions(BanditModelState state, RewardConversions cmd) {
    if (!state.isConfigured()) return refuse(cmd.replyTo(), UNKNOWN_MODEL);
    var now = clock.millis();
    var rewarded = new LinkedHashSet<Long>();
    var events = new ArrayList<Event>();
    for (var conversion : cmd.conversions()) {
      var number = state.conversionDecision(conversion.userId(), conversion.conversionId(), new HashSet<>(conversion.campaigns()),
          conversion.convertedAtMillis(), now, windowMillis, rewarded);
      if (number == 0) continue;
      rewarded.add(number);
      var reward = settings.conversionReward() == BanditSettings.ConversionReward.VALUE ? conversion.value() : 1.0;
      // a value beyond what a reward may be (ModelChecks) counts as the conversion it is
      if (ModelChecks.rewardProblem(reward) != null) reward = 1.0;
      events.add(new Rewarded(number, reward, now, conversion.conversionId()));
    }
    var decisionIds = rewarded.stream().map(ModelChecks::decisionId).toList();
    if (events.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.success(new ConversionsRewarded(decisionIds)));
    addCheckpoint(state, events.size(), now, events);
    return persist(state, events).thenReply(cmd.replyTo(), s -> StatusReply.success(new ConversionsRewarded(decisionIds)));
  }

  private ReplyEffect<Event, BanditModelState> logged(BanditModelState state, Reward cmd, long number, long now, String reason) {
    return Effect().persist(new RewardLogged(number, cmd.reward(), now, reason))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new RewardTaken(cmd.decisionId(), cmd.reward(), false, s.version(), reason)));
  }

  /** All or nothing: a share with a record the model refuses learns nothing, and the reply names each such record. */
  private ReplyEffect<Event, BanditModelState> onLearnInteractions(BanditModelState state, LearnInteractions cmd) {
    var now = clock.millis();
    var judged = InteractionChecks.judge(state, modelId, cmd.interactions(), now, settings.rewardWindow());
    var reply = StatusReply.success(judged.taken());
    if (!judged.refused().isEmpty() || !judged.persists(state, cmd.offsets())) return Effect().reply(cmd.replyTo(), reply);
    var events = new ArrayList<Event>();
    events.add(new InteractionsLearned(judged.learned(), cmd.offsets(), now));
    addCheckpoint(state, judged.updates(), now, events);
    return persist(state, events).thenReply(cmd.replyTo(), s -> reply);
  }

  private ReplyEffect<Event, BanditModelState> onRollback(BanditModelState state, Rollback cmd) {
    if (!state.isConfigured()) return refuse(cmd.replyTo(), UNKNOWN_MODEL);
    if (state.checkpoint(cmd.checkpoint()).isEmpty()) {
      return refuse(cmd.replyTo(), "checkpoint: no checkpoint '" + cmd.checkpoint() + "'; the model has "
          + (state.checkpointNames().isEmpty() ? "none" : String.join(", ", state.checkpointNames())));
    }
    return Effect().persist(new RolledBack(cmd.checkpoint(), clock.millis()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.stats(modelId)));
  }

  private ReplyEffect<Event, BanditModelState> onImport(BanditModelState state, Import cmd) {
    if (!state.isConfigured()) return refuse(cmd.replyTo(), UNKNOWN_MODEL);
    var parameters = cmd.parameters();
    if (parameters == null) return refuse(cmd.replyTo(), "body: the parameters are missing");
    var dimension = state.settings().dimension();
    if (parameters.settings().dimension() != dimension) {
      return refuse(cmd.replyTo(), "settings.dimension: the model's dimension is " + dimension + " and cannot change, got "
          + parameters.settings().dimension());
    }
    var armProblem = ModelChecks.armProblem(parameters.arms().stream().map(LinUcbParameters.Arm::id).toList());
    if (armProblem != null) return refuse(cmd.replyTo(), armProblem);
    return Effect().persist(new Imported(parameters, clock.millis()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.stats(modelId)));
  }

  /** Persisted even when nothing is known of the user: the reply names a snapshot that holds nothing of them either way. */
  private ReplyEffect<Event, BanditModelState> onForgetUser(BanditModelState state, ForgetUser cmd) {
    if (cmd.userId() == null || cmd.userId().isBlank()) return refuse(cmd.replyTo(), "userId: required");
    if (!state.isConfigured()) return Effect().reply(cmd.replyTo(), StatusReply.success(new Forgotten(persistenceId().id(), 0)));
    var userKey = UserKeys.key(state.organizationId(), cmd.userId());
    var ledger = state.ledger(userKey);
    var event = new UserForgotten(userKey, state.openDecisionsOf(cmd.userId()), ledger == null ? List.of() : ledger.contributions(),
        ledger == null ? null : ledger.contexts(), state.mustRestartToForget(ledger), clock.millis());
    // Pekko runs the reply of an event that calls for a snapshot once the snapshot store has answered (after the signal)
    return Effect().persist(event).thenReply(cmd.replyTo(), s -> {
      var sequenceNr = lastSequenceNumber(context);
      return snapshotSaved == sequenceNr ? StatusReply.success(new Forgotten(persistenceId().id(), sequenceNr))
          : StatusReply.error("the snapshot after forgetting the user was not saved; ask again");
    });
  }

  private ReplyEffect<Event, BanditModelState> onCloseDue(BanditModelState state, CloseDue cmd) {
    if (!state.isConfigured()) return Effect().none().thenNoReply();
    var now = clock.millis();
    var below = state.dueBelow(now, windowMillis);
    if (below <= state.closedBelow()) return Effect().none().thenNoReply();
    var events = new ArrayList<Event>();
    addClosing(state, below, now, events);
    return persist(state, events).thenNoReply();
  }

  /**
   * One event goes as a single persist: Pekko asks {@link #shouldSnapshot} with the state after a
   * single event, but with the state before each event of a list (so the snapshot an event alone
   * in a list calls for would wait for the next persist). Once persisted, the decisions and learned
   * updates the events made are counted.
   */
  private EffectBuilder<Event, BanditModelState> persist(BanditModelState state, List<Event> events) {
    // the state is changed in place by the events: its counts are read before
    var decisionsBefore = state.decisions();
    var updatesBefore = state.totalUpdates();
    var effect = events.size() == 1 ? Effect().persist(events.get(0)) : Effect().persist(events);
    return effect.thenRun(s -> counts.add(s.decisions() - decisionsBefore, s.totalUpdates() - updatesBefore));
  }

  /** Closes the open decisions below {@code below}, and takes a checkpoint if the reward-0 updates reach one. */
  private void addClosing(BanditModelState state, long below, long now, List<Event> events) {
    events.add(new DecisionsClosed(below, now));
    addCheckpoint(state, state.learnedByClosing(below), now, events);
  }

  /** A checkpoint when {@code learned} more updates take the total past a multiple of checkpoint-every. */
  private void addCheckpoint(BanditModelState state, long learned, long now, List<Event> events) {
    var every = settings.checkpointEvery();
    var before = state.totalUpdates();
    var after = before + learned;
    if (after / every == before / every) return;
    var names = state.checkpointNames();
    var dropped = names.subList(0, Math.max(0, names.size() + 1 - settings.checkpointsKept()));
    events.add(new CheckpointTaken("updates-" + after, now, dropped));
  }

  @Override
  public EventHandler<BanditModelState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Configured.class, (state, e) -> apply(state, s -> s.configured(e.organizationId(), e.arms(), e.settings())))
        .onEvent(Decided.class, (state, e) -> apply(state,
            s -> s.decided(e.number(), e.features(), e.arm(), e.propensity(), e.modelVersion(), e.atMillis(), e.userId(), e.context(),
                e.withoutConsent())))
        .onEvent(Rewarded.class, (state, e) -> apply(state, s -> s.rewarded(e.number(), e.reward(), e.conversionId())))
        .onEvent(RewardLogged.class, (state, e) -> apply(state, s -> s.rewardLogged(e.number())))
        .onEvent(InteractionsLearned.class, (state, e) -> apply(state, s -> s.interactionsLearned(e.learned(), e.offsets())))
        .onEvent(DecisionsClosed.class, (state, e) -> apply(state, s -> s.decisionsClosed(e.below())))
        .onEvent(CheckpointTaken.class, (state, e) -> apply(state, s -> s.checkpointTaken(e.name(), e.atMillis(), e.dropped())))
        .onEvent(RolledBack.class, (state, e) -> apply(state, s -> s.rolledBack(e.checkpoint())))
        .onEvent(Imported.class, (state, e) -> apply(state, s -> s.imported(e.parameters())))
        .onEvent(UserForgotten.class, (state, e) -> apply(state,
            s -> s.userForgotten(e.userKey(), e.decisions(), e.contributions(), e.contexts(), e.restarted())))
        .build();
  }

  private BanditModelState apply(BanditModelState state, java.util.function.Consumer<BanditModelState> change) {
    var writable = writable(state);
    change.accept(writable);
    return writable;
  }
}
