package dev.beacon.bandit.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.beacon.bandit.Decision;
import dev.beacon.bandit.LinUcb;
import dev.beacon.bandit.LinUcbParameters;
import dev.beacon.bandit.LinUcbSettings;
import dev.beacon.bandit.context.ContextFeatures;
import dev.beacon.bandit.context.RunningStandardizer;
import dev.beacon.common.CborSerializable;
import dev.beacon.privacy.UserKeys;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one model keeps: its organisation and LinUCB parameters (none until configured), its
 * version (one more at every change of the parameters), counters, the decisions still open
 * (decision numbers {@code closedBelow..decisions}, oldest first, at most
 * {@code beacon.bandit.max-open-decisions}), whether each of the newest {@value #REMEMBERED_CLOSED}
 * closed decisions had a reward (so that a second one is still a conflict), and the checkpoints
 * kept, and the highest offset learned per partition of the interactions topic (a record at or
 * below it is a redelivery). Mutable, confined to the entity; snapshots are a {@link Snapshot} (a
 * copy), and every change comes from an event, the same on replay: no clock, no randomness here.
 */
final class BanditModelState implements CborSerializable {
  private static final Logger log = LoggerFactory.getLogger(BanditModelState.class);
  /** Closed decisions whose answered flag is kept: a bit each, so the bound is in code, not config (replay must not depend on it). */
  static final int REMEMBERED_CLOSED = 1 << 18;

  private String organizationId;
  private LinUcb model;
  /** The one random number of the decision at hand, staged by the command handler (see {@link #decide}). */
  private final StagedDraw draws = new StagedDraw();
  private long version;
  private long decisions;
  private long closedBelow = 1;
  private final LinkedHashMap<Long, OpenDecision> open = new LinkedHashMap<>();
  /** The open, unanswered decisions made for a user, oldest first: what a conversion of theirs may reward. Derived from {@link #open}. */
  private final HashMap<String, ArrayDeque<Long>> unansweredByUser = new HashMap<>();
  /** The open decisions rewarded by a conversion, by user and conversion id. Derived from {@link #open}. */
  private final HashMap<String, Long> openByConversion = new HashMap<>();
  /** Bit {@code n - rememberedFrom}: closed decision n had a reward (learned or logged). */
  private long rememberedFrom = 1;
  private BitSet answeredClosed = new BitSet();
  private long totalUpdates;
  private double rewardSum;
  private long rewardsNotLearned;
  private final LinkedHashMap<String, Long> actionCounts = new LinkedHashMap<>();
  private final List<Checkpoint> checkpoints = new ArrayList<>();
  /** The running statistics that standardise the contexts built from users' journeys; none until the first. */
  private RunningStandardizer standardizer;
  /** Topic partition ({@code beacon.interactions-3}) → the highest offset of it this model has taken. */
  private final Map<String, Long> interactionOffsets = new HashMap<>();
  /** What the model learned from each user, for forgetting them; none until configured. */
  private UserLedgers ledgers;
  /** The epoch of the checkpoint the parameters descend from ({@link UserLedgers}); 0 before any. */
  private long epoch;
  /** The epoch the latest checkpoint took: a new one takes the next, never one taken before. */
  private long lastEpoch;
  /** Whether the ledgers hold everything the parameters learned (not after a rollback to a checkpoint they cannot account for). */
  private boolean parametersIndexed = true;
  /** The learned updates before the latest event applied: whether that event crossed a snapshot mark. Not snapshotted. */
  private long updatesBeforeLatestEvent;

  /** A decision within its reward window: what it was made from, and whether a reward came. */
  record OpenDecision(long number, double[] features, String arm, double propensity, long modelVersion, long decidedAtMillis,
      boolean learned, boolean answered, @JsonInclude(JsonInclude.Include.NON_NULL) String userId,
      @JsonInclude(JsonInclude.Include.NON_NULL) String rewardedBy, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean withoutConsent) {
    OpenDecision answered(boolean learnedNow, String conversionId) {
      return new OpenDecision(number, features, arm, propensity, modelVersion, decidedAtMillis, learned || learnedNow, true, userId,
          conversionId, withoutConsent);
    }

    /** Whether closing it learns reward 0: not rewarded yet, and its user granted ad personalisation. */
    boolean learnsAtClosing() {
      return !learned && !withoutConsent;
    }
  }

  /**
   * A named copy of the parameters, taken after the learned update {@code totalUpdates}; it holds
   * the ledgers' contributions of epochs below {@code epoch}, and all it learned when {@code indexed}
   * (false for one taken before an import, on a branch a rollback left, or before ledgers were kept).
   */
  record Checkpoint(String name, long version, long totalUpdates, long takenAtMillis, LinUcbParameters parameters, long epoch,
      boolean indexed) {
    Checkpoint unindexed() {
      return new Checkpoint(name, version, totalUpdates, takenAtMillis, parameters, epoch, false);
    }
  }

  /** Where a reward for a decision stands. */
  enum Standing {
    /** No such decision was made. */
    UNKNOWN,
    /** Open, unanswered, its arm still in the model: the reward is learned. */
    LEARNABLE,
    /** Past its reward window, not yet closed: the reward is logged, not learned. */
    LATE,
    /** Closed (its window passed, or it was among the oldest past max-open-decisions): logged, not learned. */
    CLOSED,
    /** Its arm has left the model (reconfigured, rolled back, imported): logged, not learned. */
    ARM_GONE,
    /** Made for a user who has not granted ad personalisation: logged, not learned. */
    WITHOUT_CONSENT,
    /** It had its reward already. */
    ANSWERED
  }

  boolean isConfigured() {
    return model != null;
  }

  String organizationId() {
    return organizationId;
  }

  LinUcbSettings settings() {
    return model.settings();
  }

  List<String> arms() {
    return model.arms();
  }

  long version() {
    return version;
  }

  long decisions() {
    return decisions;
  }

  long closedBelow() {
    return closedBelow;
  }

  int openCount() {
    return open.size();
  }

  long totalUpdates() {
    return totalUpdates;
  }

  long updatesBeforeLatestEvent() {
    return updatesBeforeLatestEvent;
  }

  LinUcbParameters export() {
    return model.export();
  }

  Optional<Checkpoint> checkpoint(String name) {
    return checkpoints.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  List<String> checkpointNames() {
    return checkpoints.stream().map(Checkpoint::name).toList();
  }

  /**
   * The model's decision for {@code features} with {@code draw} as its one random number; changes
   * nothing (the decision is kept when its event is applied). Throws IllegalArgumentException for
   * features the model refuses.
   */
  Decision decide(double[] features, double draw) {
    draws.stage(draw);
    return model.decide(features);
  }

  /**
   * The standardised form of a context built from a user's journey ({@link ContextFeatures}), with
   * the statistics seen so far; changes nothing (the context is observed when its decision is applied).
   */
  double[] standardize(double[] context) {
    return standardizer == null ? RunningStandardizer.forContextFeatures().standardize(context) : standardizer.standardize(context);
  }

  /** Where a reward for decision {@code number} stands at {@code nowMillis}. */
  Standing standing(long number, long nowMillis, long windowMillis) {
    if (number < 1 || number > decisions) return Standing.UNKNOWN;
    if (number < closedBelow) {
      var remembered = number >= rememberedFrom && answeredClosed.get(Math.toIntExact(number - rememberedFrom));
      return remembered ? Standing.ANSWERED : Standing.CLOSED;
    }
    var decision = open.get(number);
    // a forgotten user's open decisions are dropped: as if never made
    if (decision == null) return Standing.UNKNOWN;
    if (decision.answered()) return Standing.ANSWERED;
    if (decision.withoutConsent()) return Standing.WITHOUT_CONSENT;
    if (nowMillis - decision.decidedAtMillis() >= windowMillis) return Standing.LATE;
    return model.arms().contains(decision.arm()) ? Standing.LEARNABLE : Standing.ARM_GONE;
  }

  /** Why a reward for decision {@code number} of this standing (late, closed, arm gone) is logged and not learned. */
  String notLearned(Standing standing, long number, java.time.Duration rewardWindow) {
    return switch (standing) {
      case LATE -> "after the decision's reward window of " + ModelChecks.describe(rewardWindow);
      case CLOSED -> "the decision is closed: its reward window passed, or it was among the oldest beyond max-open-decisions";
      case ARM_GONE -> "arm '" + open.get(number).arm() + "' is no longer in the model";
      case WITHOUT_CONSENT -> "the user has not granted ad personalisation: the decision used none of their features, and its reward "
          + "does not train the model";
      default -> throw new IllegalArgumentException("a reward of a decision " + standing + " is not logged");
    };
  }

  /** The highest offset of this topic partition the model has taken; -1 for none. */
  long interactionOffset(String partition) {
    return interactionOffsets.getOrDefault(partition, -1L);
  }

  OpenDecision openDecision(long number) {
    return open.get(number);
  }

  /**
   * The decision a conversion of {@code userId} at {@code convertedAtMillis} rewards: the newest
   * one made for that user, before the conversion, that showed one of the {@code campaigns} the
   * conversion credits, and whose reward is still learnable at {@code nowMillis}, other than the
   * decisions {@code taken} by other conversions of the same batch; 0 when none is, or when this
   * conversion already rewarded an open decision.
   */
  long conversionDecision(String userId, String conversionId, Set<String> campaigns, long convertedAtMillis, long nowMillis,
      long windowMillis, Set<Long> taken) {
    if (openByConversion.containsKey(conversionKey(userId, conversionId))) return 0;
    var numbers = unansweredByUser.get(userId);
    if (numbers == null) return 0;
    var newestFirst = numbers.descendingIterator();
    while (newestFirst.hasNext()) {
      var decision = open.get(newestFirst.next());
      if (decision.decidedAtMillis() > convertedAtMillis || !campaigns.contains(decision.arm())) continue;
      if (taken.contains(decision.number())) continue;
      if (standing(decision.number(), nowMillis, windowMillis) == Standing.LEARNABLE) return decision.number();
    }
    return 0;
  }

  /** The number below which every open decision's window has passed at {@code nowMillis} ({@link #closedBelow} when none has). */
  long dueBelow(long nowMillis, long windowMillis) {
    for (var decision : open.values()) {
      if (nowMillis - decision.decidedAtMillis() < windowMillis) return decision.number();
    }
    return decisions + 1;
  }

  /** The number below which the {@code count} oldest open decisions are (open numbers have gaps where a user was forgotten). */
  long belowOldest(long count) {
    var seen = 0L;
    for (var number : open.keySet()) {
      if (++seen == count) return number + 1;
    }
    return decisions + 1;
  }

  /** What the model learned from the user of {@code userKey}; null when nothing. */
  UserLedgers.Saved ledger(String userKey) {
    return ledgers.find(userKey);
  }

  /** The open decisions made for {@code userId}, oldest first. */
  List<Long> openDecisionsOf(String userId) {
    return open.values().stream().filter(d -> userId.equals(d.userId())).map(OpenDecision::number).toList();
  }

  /**
   * Whether forgetting the user of {@code ledger} (null: nothing known of them) must start every
   * arm again: when the parameters learned what the ledgers cannot account for, or when the model
   * forgets (γ < 1) and the user taught it something, which it cannot subtract (see {@link LinUcb#forget}).
   */
  boolean mustRestartToForget(UserLedgers.Saved ledger) {
    var taught = ledger != null && !ledger.contributions().isEmpty();
    return !parametersIndexed || (taught && model.settings().forgetting() != 1.0);
  }

  /** How many updates closing the open decisions below {@code below} learns: those without a learned reward whose arm is still there. */
  long learnedByClosing(long below) {
    var learned = 0L;
    for (var decision : open.values()) {
      if (decision.number() >= below) break;
      if (decision.learnsAtClosing() && model.arms().contains(decision.arm())) learned++;
    }
    return learned;
  }

  // Events applied

  /** Configured: a new model, or arms added and removed, settings changed (what the arms learned stays). */
  void configured(String organizationId, List<String> arms, LinUcbSettings settings) {
    updatesBeforeLatestEvent = totalUpdates;
    this.organizationId = organizationId;
    if (model == null) {
      model = new LinUcb(settings, draws);
      ledgers = new UserLedgers(settings.dimension());
    } else if (!model.settings().equals(settings)) {
      model = LinUcb.restore(new LinUcbParameters(settings, model.export().arms()), draws);
    }
    var removed = new java.util.HashSet<>(model.arms());
    removed.removeAll(arms);
    for (var arm : removed) model.removeArm(arm);
    if (!removed.isEmpty()) {
      ledgers.dropArms(removed);
      // a checkpoint with a removed arm holds what the ledgers no longer account for
      checkpoints.replaceAll(c -> c.parameters().arms().stream().anyMatch(a -> removed.contains(a.id())) ? c.unindexed() : c);
    }
    for (var arm : arms) {
      if (!model.arms().contains(arm)) model.addArm(arm);
    }
    version++;
  }

  /** Decision {@code number} made: open from {@code atMillis}. */
  void decided(long number, double[] features, String arm, double propensity, long modelVersion, long atMillis, String userId,
      double[] context, boolean withoutConsent) {
    updatesBeforeLatestEvent = totalUpdates;
    if (context != null) {
      if (standardizer == null) standardizer = RunningStandardizer.forContextFeatures();
      standardizer.observe(context);
      if (userId != null) ledgers.observed(UserKeys.key(organizationId, userId), context);
    }
    decisions = number;
    var decision = new OpenDecision(number, features, arm, propensity, modelVersion, atMillis, false, false, userId, null,
        withoutConsent);
    open.put(number, decision);
    indexByUser(decision);
    actionCounts.merge(arm, 1L, Long::sum);
  }

  /** A reward within the window: learned. */
  void rewarded(long number, double reward, String conversionId) {
    updatesBeforeLatestEvent = totalUpdates;
    answer(number, reward, conversionId);
  }

  /** A reward not learned: the decision counts as answered. */
  void rewardLogged(long number) {
    updatesBeforeLatestEvent = totalUpdates;
    logAnswer(number);
  }

  /** A share of the interactions topic: each record learned (or logged) in order; the offsets taken move up. */
  void interactionsLearned(List<Learned> learned, Map<String, Long> offsets) {
    updatesBeforeLatestEvent = totalUpdates;
    for (var item : learned) {
      if (item instanceof Learned.Shown shown) {
        learn(shown.arm(), shown.features(), shown.reward(), "an interaction");
      } else if (item instanceof Learned.DecisionRewarded rewarded) {
        answer(rewarded.number(), rewarded.reward(), null);
      } else if (item instanceof Learned.DecisionRewardLogged logged) {
        logAnswer(logged.number());
      }
    }
    offsets.forEach((partition, offset) -> interactionOffsets.merge(partition, offset, Math::max));
  }

  /** {@code conversionId}: the user's conversion that gave the reward, null for one sent for the decision. */
  private void answer(long number, double reward, String conversionId) {
    var decision = open.get(number);
    var answered = decision.answered(learn(decision, reward), conversionId);
    open.put(number, answered);
    unindexByUser(decision);
    indexByConversion(answered);
  }

  private void logAnswer(long number) {
    rewardsNotLearned++;
    var decision = open.get(number);
    if (decision != null) {
      open.put(number, decision.answered(false, null));
      unindexByUser(decision);
    } else if (number >= rememberedFrom && number < closedBelow) {
      answeredClosed.set(Math.toIntExact(number - rememberedFrom));
    }
  }

  /** Each open decision below {@code below} closes; one without a learned reward learns reward 0. */
  void decisionsClosed(long below) {
    updatesBeforeLatestEvent = totalUpdates;
    var decisions = open.values().iterator();
    while (decisions.hasNext()) {
      var decision = decisions.next();
      if (decision.number() >= below) break;
      decisions.remove();
      unindexByUser(decision);
      if (decision.rewardedBy() != null) openByConversion.remove(conversionKey(decision.userId(), decision.rewardedBy()));
      if (decision.learnsAtClosing() && model.arms().contains(decision.arm())) learn(decision, 0.0);
      if (decision.answered()) answeredClosed.set(Math.toIntExact(decision.number() - rememberedFrom));
    }
    closedBelow = Math.max(closedBelow, below);
    forgetOldestClosed();
  }

  /** A copy of the parameters as they are, named; the checkpoints {@code dropped} go. */
  void checkpointTaken(String name, long atMillis, List<String> dropped) {
    updatesBeforeLatestEvent = totalUpdates;
    checkpoints.removeIf(c -> dropped.contains(c.name()));
    epoch = ++lastEpoch;
    checkpoints.add(new Checkpoint(name, version, totalUpdates, atMillis, model.export(), epoch, parametersIndexed));
  }

  /** The checkpoint's parameters, and what the ledgers hold of them; checkpoints of later epochs are on a branch left behind. */
  void rolledBack(String checkpoint) {
    updatesBeforeLatestEvent = totalUpdates;
    var target = checkpoint(checkpoint).orElseThrow();
    model = LinUcb.restore(target.parameters(), draws);
    if (target.indexed()) {
      ledgers.dropFrom(target.epoch());
    } else {
      ledgers.dropContributions();
    }
    parametersIndexed = target.indexed();
    epoch = target.epoch();
    checkpoints.replaceAll(c -> c.epoch() > target.epoch() ? c.unindexed() : c);
    version++;
  }

  /** Parameters from elsewhere: the ledgers hold none of what they learned (whoever taught them is not this model's to know). */
  void imported(LinUcbParameters parameters) {
    updatesBeforeLatestEvent = totalUpdates;
    model = LinUcb.restore(parameters, draws);
    ledgers.dropContributions();
    parametersIndexed = true;
    checkpoints.replaceAll(Checkpoint::unindexed);
    version++;
  }

  /**
   * A user forgotten: their open decisions dropped, what they taught subtracted from the
   * parameters and from each checkpoint that holds it (a checkpoint that cannot account for its
   * learning goes), their contexts removed from the standardiser's statistics, their ledger gone.
   * {@code restarted}: the model could not subtract (forgetting γ < 1, or parameters the ledgers do
   * not account for), so every arm starts again from λI and every checkpoint goes.
   */
  void userForgotten(String userKey, List<Long> decisions, List<UserLedgers.EpochContribution> contributions,
      RunningStandardizer.State contexts, boolean restarted) {
    updatesBeforeLatestEvent = totalUpdates;
    for (var number : decisions) {
      var decision = open.remove(number);
      if (decision == null) continue;
      unindexByUser(decision);
      if (decision.rewardedBy() != null) openByConversion.remove(conversionKey(decision.userId(), decision.rewardedBy()));
    }
    if (restarted) {
      model = LinUcb.withArms(model.settings(), model.arms(), draws);
      ledgers.dropContributions();
      checkpoints.clear();
      parametersIndexed = true;
    } else {
      model.forget(UserLedgers.byArm(contributions, Long.MAX_VALUE));
      checkpoints.removeIf(c -> !c.indexed());
      checkpoints.replaceAll(c -> {
        var parameters = LinUcb.restore(c.parameters(), draws);
        parameters.forget(UserLedgers.byArm(contributions, c.epoch()));
        return new Checkpoint(c.name(), c.version(), c.totalUpdates(), c.takenAtMillis(), parameters.export(), c.epoch(), true);
      });
    }
    if (contexts != null && standardizer != null) standardizer.remove(RunningStandardizer.restore(contexts));
    ledgers.remove(userKey);
    version++;
  }

  private void indexByUser(OpenDecision decision) {
    if (decision.userId() == null || decision.answered()) return;
    unansweredByUser.computeIfAbsent(decision.userId(), u -> new ArrayDeque<>()).add(decision.number());
  }

  private void indexByConversion(OpenDecision decision) {
    if (decision.rewardedBy() != null) openByConversion.put(conversionKey(decision.userId(), decision.rewardedBy()), decision.number());
  }

  private static String conversionKey(String userId, String conversionId) {
    return userId + '\u0000' + conversionId;
  }

  private void unindexByUser(OpenDecision decision) {
    if (decision.userId() == null) return;
    var numbers = unansweredByUser.get(decision.userId());
    if (numbers == null) return;
    numbers.remove(decision.number());
    if (numbers.isEmpty()) unansweredByUser.remove(decision.userId());
  }

  /**
   * Learns a reward for a decision. The entity checked features and reward before they were
   * persisted, so the model refusing them (values whose products overflow) cannot happen from a
   * command; should it happen anyway, nothing is learned, the same way on every replay.
   */
  private boolean learn(OpenDecision decision, double reward) {
    var learned = learn(decision.arm(), decision.features(), reward, "decision " + decision.number());
    if (learned && decision.userId() != null) {
      ledgers.learned(UserKeys.key(organizationId, decision.userId()), epoch, decision.arm(), decision.features(), reward);
    }
    return learned;
  }

  /** {@code what}: the reward's source, for the log line. */
  private boolean learn(String arm, double[] features, double reward, String what) {
    try {
      model.update(arm, features, reward);
    } catch (IllegalArgumentException e) {
      log.warn("Model of {} did not learn reward {} of {}: {}", organizationId, reward, what, e.getMessage());
      return false;
    }
    totalUpdates++;
    rewardSum += reward;
    version++;
    return true;
  }

  /** Keeps the answered flags of the newest {@value #REMEMBERED_CLOSED} closed decisions, dropping an eighth of them at a time. */
  private void forgetOldestClosed() {
    var remembered = closedBelow - rememberedFrom;
    if (remembered <= REMEMBERED_CLOSED + REMEMBERED_CLOSED / 8) return;
    var forget = Math.toIntExact(remembered - REMEMBERED_CLOSED);
    answeredClosed = answeredClosed.get(forget, Math.max(forget, answeredClosed.length()));
    rememberedFrom += forget;
  }

  // Replies

  ModelStats stats(String modelId) {
    var settings = model.settings();
    var counts = new LinkedHashMap<String, Long>();
    model.arms().forEach(arm -> counts.put(arm, actionCounts.getOrDefault(arm, 0L)));
    actionCounts.forEach(counts::putIfAbsent);
    return new ModelStats(modelId, organizationId, model.arms(), settings.dimension(), settings.alpha(),
        settings.ridge(), settings.epsilon(), version, decisions, open.size(), totalUpdates,
        totalUpdates == 0 ? null : rewardSum / totalUpdates, counts, rewardsNotLearned, checkpoints.size());
  }

  List<Checkpoint> checkpoints() {
    return List.copyOf(checkpoints);
  }

  // Snapshots

  /** The state as a snapshot holds it: plain values, copied. */
  record Snapshot(String organizationId, LinUcbParameters parameters, long version, long decisions, long closedBelow,
      List<OpenDecision> open, long rememberedFrom, long[] answeredClosed, long totalUpdates, double rewardSum,
      long rewardsNotLearned, Map<String, Long> actionCounts, List<Checkpoint> checkpoints,
      @JsonInclude(JsonInclude.Include.NON_NULL) RunningStandardizer.State standardizer, Map<String, Long> interactionOffsets,
      List<UserLedgers.Saved> ledgers, long epoch, long lastEpoch, Boolean parametersIndexed) {}

  @JsonValue
  Snapshot snapshot() {
    return new Snapshot(organizationId, model == null ? null : model.export(), version, decisions, closedBelow,
        List.copyOf(open.values()), rememberedFrom, answeredClosed.toLongArray(), totalUpdates, rewardSum, rewardsNotLearned,
        new LinkedHashMap<>(actionCounts), List.copyOf(checkpoints), standardizer == null ? null : standardizer.state(),
        new java.util.TreeMap<>(interactionOffsets), ledgers == null ? List.of() : ledgers.saved(), epoch, lastEpoch,
        parametersIndexed);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static BanditModelState of(Snapshot s) {
    var state = new BanditModelState();
    state.organizationId = s.organizationId();
    state.model = s.parameters() == null ? null : LinUcb.restore(s.parameters(), state.draws);
    state.version = s.version();
    state.decisions = s.decisions();
    state.closedBelow = s.closedBelow();
    s.open().forEach(d -> {
      state.open.put(d.number(), d);
      state.indexByUser(d);
      state.indexByConversion(d);
    });
    state.rememberedFrom = s.rememberedFrom();
    state.answeredClosed = BitSet.valueOf(s.answeredClosed());
    state.totalUpdates = s.totalUpdates();
    state.updatesBeforeLatestEvent = s.totalUpdates();
    state.rewardSum = s.rewardSum();
    state.rewardsNotLearned = s.rewardsNotLearned();
    state.actionCounts.putAll(s.actionCounts());
    state.checkpoints.addAll(s.checkpoints());
    state.standardizer = s.standardizer() == null ? null : RunningStandardizer.restore(s.standardizer());
    // snapshots taken before the interactions topic have none
    if (s.interactionOffsets() != null) state.interactionOffsets.putAll(s.interactionOffsets());
    if (state.model != null) state.ledgers = UserLedgers.restore(state.model.settings().dimension(), s.ledgers() == null ? List.of() : s.ledgers());
    state.epoch = s.epoch();
    state.lastEpoch = s.lastEpoch();
    // a snapshot from before the ledgers: what the parameters learned until then cannot be subtracted
    state.parametersIndexed = s.parametersIndexed() == null ? state.totalUpdates == 0 : s.parametersIndexed();
    return state;
  }

  /** A copy that shares nothing mutable (decisions' features and checkpoints' parameters are never changed). */
  BanditModelState copy() {
    return of(snapshot());
  }

  /** The random source a model decides with: the one number staged for the decision at hand. */
  private static final class StagedDraw implements RandomGenerator {
    private double next;

    void stage(double draw) {
      next = draw;
    }

    @Override
    public double nextDouble() {
      return next;
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException("a model draws only the number staged for its decision");
    }
  }
}
