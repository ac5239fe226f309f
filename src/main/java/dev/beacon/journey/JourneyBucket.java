package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.attribution.PathChange;
import dev.beacon.attribution.Touchpoint;
import dev.beacon.attribution.Touchpoints;
import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.behaviour.PurchaseHistory;
import dev.beacon.common.CborSerializable;
import dev.beacon.common.Entities;
import dev.beacon.common.LiveBus;
import dev.beacon.common.MutableStateEntity;
import dev.beacon.event.Consent;
import dev.beacon.event.Delivered;
import dev.beacon.event.Verdict;
import dev.beacon.privacy.Forgotten;
import dev.beacon.privacy.UserKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journeys of the users of one organisation that hash to one bucket. Every event that
 * carries a user passes here first, in the same micro-batch as its campaign: the journey is the
 * home of the 72-hour dedup window of its users' event ids, so a client retrying an event is
 * recognised however hot the campaign it belongs to. The events admitted for the first time then
 * build each user's journey live ({@link JourneyLogic}: sessions, touchpoints, conversions
 * credited by every rule-based model). One {@link JourneysUpdated} per admitting batch carries the
 * ids, the admitted events in compact form (replayed through the same logic on recovery) and the
 * facts the read side needs; a batch of retries and redeliveries only persists nothing.
 */
public final class JourneyBucket extends MutableStateEntity<JourneyBucket.Command, JourneyBucket.Event, JourneyState> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Journey");
  private static final Logger log = LoggerFactory.getLogger(JourneyBucket.class);
  /** How long the coordinator waits for the external allocation's answer where a shard goes. */
  private static final Duration ALLOCATION_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The tags journey events carry, one per bucket entity, for the read side (one projection
   * instance per tag). Never change the count of a running system: a bucket's tag would move.
   */
  public static final List<String> TAGS = IntStream.range(0, 8).mapToObj(i -> "journey-" + i).toList();

  /** The tag of every event of this bucket entity. */
  public static String tagFor(String entityId) {
    return TAGS.get(Math.floorMod(entityId.hashCode(), TAGS.size()));
  }

  public static void init(ActorSystem<?> system, JourneySettings settings, ChannelGrouping channels, Clock clock) {
    init(system, settings, channels, clock, LiveBus.NONE);
  }

  /**
   * Registers the entity; each persisted batch publishes its new live-feed rows on {@code live}.
   * Its shards are those of {@link JourneyShards}, placed where the external shard allocation says
   * (where their partitions are consumed); a shard without a place goes to the node that asks first.
   */
  public static void init(ActorSystem<?> system, JourneySettings settings, ChannelGrouping channels, Clock clock,
      LiveBus live) {
    Entities.init(system, ENTITY_TYPE_KEY, entityId -> create(entityId, settings, channels, clock, live), new Passivate(),
        entity -> entity.withMessageExtractor(new JourneyShards<Command>(settings.shards()))
            .withAllocationStrategy(ExternalShardAllocationStrategy.create(system, ENTITY_TYPE_KEY.name(), ALLOCATION_TIMEOUT)));
  }

  // Commands and replies

  public sealed interface Command extends CborSerializable permits Admit, GetUserJourney, GetProfile, Forget, Expire, GetPrivacyCounts, Passivate {}

  /** Admit a micro-batch's events of this bucket's users, in the batch's order. */
  public record Admit(List<Delivered> events, ActorRef<StatusReply<Admitted>> replyTo) implements Command {}

  /**
   * A verdict per delivery, in the order of {@link Admit#events()}: applied, a redelivery of the
   * position its event was applied at, a retry of an event applied from another delivery, or
   * failed (with its reason, by index), which the ingest dead-letters; and the invalid-traffic flag,
   * by index, of the applied and redelivered ones that have one.
   */
  public record Admitted(List<Verdict> verdicts, Map<Integer, String> failures, int tooLate, int outOfOrder, int restated,
      Map<Integer, InvalidTraffic> flags) implements CborSerializable {
    public Admitted {
      verdicts = List.copyOf(verdicts);
      failures = Map.copyOf(failures);
      flags = Map.copyOf(flags);
    }
  }

  /** One user's journey as this bucket knows it; an unknown (or long idle) user is an error reply. */
  public record GetUserJourney(String userId, ActorRef<StatusReply<UserJourneyView>> replyTo) implements Command {}

  /** One user's all-time profile; an unknown (or long idle) user is an error reply, as for {@link GetUserJourney}. */
  public record GetProfile(String userId, ActorRef<StatusReply<JourneyProfile>> replyTo) implements Command {}

  /** Why {@link GetUserJourney} or {@link GetProfile} found nothing: the bucket holds no journey of that user. */
  public static final String UNKNOWN_USER = "unknown user";

  /**
   * A user's stored sessions (oldest first), their touchpoints as the models see them (one per
   * session, repeats of a channel on one UTC day collapsed), the user's latest conversions and
   * their all-time profile; their engagement score (0 to 100) at the time asked and the segment
   * their purchases put them in ({@code beacon.behaviour}).
   */
  public record UserJourneyView(String userId, List<Session> sessions, List<Touchpoint> touchpoints,
      List<Conversion> conversions, JourneyProfile profile, double engagementScore, String segment)
      implements CborSerializable {

    /** The view of {@code journey} at {@code nowMillis}. */
    static UserJourneyView of(String userId, UserJourney journey, JourneyProfile profile, JourneySettings settings,
        long nowMillis) {
      var behaviour = settings.behaviour();
      var history = new PurchaseHistory(profile.purchases(), profile.totalSpent(), profile.firstPurchaseMillis(),
          profile.lastPurchaseMillis());
      return new UserJourneyView(userId, journey.sessions(), Touchpoints.collapse(journey.touchpoints()),
          journey.conversions(), profile, journey.totals().engagement().at(nowMillis, behaviour.engagement()),
          behaviour.segments().segmentOf(history, nowMillis));
    }
  }

  /**
   * Forget a user (an erasure request made at {@code requestedAtMillis}): the journey, the consent,
   * and, for the dedup window, the user's events that were still on their way (event time up to
   * the request) build no journey again. Answered once a snapshot without the user is saved: every
   * journal row and snapshot of this bucket below its sequence number may then be deleted.
   */
  public record Forget(String userId, long requestedAtMillis, ActorRef<StatusReply<Forgotten>> replyTo) implements Command {}

  /**
   * Retention: the journeys (and consents) no batch touched since {@code cutoffMillis} (processing
   * time) go; answered, as {@link Forget}, once the snapshot after it is saved, so that every
   * journal row below it may be deleted.
   */
  public record Expire(long cutoffMillis, ActorRef<StatusReply<Forgotten>> replyTo) implements Command {}

  /** What the bucket keeps per user, for the privacy audit. */
  public record GetPrivacyCounts(ActorRef<PrivacyCounts> replyTo) implements Command {}

  /**
   * Journeys kept, users whose events said something of consent, and of those, how many deny
   * analytics and how many deny ad personalisation (a purpose not said counts as the default).
   */
  public record PrivacyCounts(int journeys, int consentsSaid, int analyticsDenied, int adPersonalizationDenied)
      implements CborSerializable {}

  record Passivate() implements Command {}

  // Events

  /** Journaled by {@link JourneyEventSerializer}, bound in application.conf. */
  public sealed interface Event permits IdsRecorded, JourneysUpdated, UserForgotten, JourneysExpired {}

  /** Retention: journeys and consents no batch touched since {@code cutoffMillis} went. */
  public record JourneysExpired(long cutoffMillis, long appliedAtMillis) implements Event {}

  /**
   * A user forgotten: {@code userKey} ({@link UserKeys}) stands for them, never the id, since this
   * row stays when the rows below it are deleted; events of theirs up to {@code requestedAtMillis}
   * (event time) build no journey again.
   */
  public record UserForgotten(String userKey, long requestedAtMillis, long appliedAtMillis) implements Event {}

  /** Ids only: what is persisted when journey tracking is off (beacon.journey.tracking). */
  public record IdsRecorded(List<JourneyState.Seen> seen, long appliedAtMillis) implements Event {}

  /**
   * One admitting batch: the ids to record; the admitted events, compact, in the order admitted
   * (replay groups them by user, users in the order the batch first names them); and the facts
   * they produced, for the read side, grouped the same way. Where late events changed what a
   * journey had produced, the batch restates it: the withdrawn sessions, engagements and
   * conversions (their old credits) come off the read side, their new versions are among the
   * facts added, and the path changes include the opposite of the withdrawn ones. {@code consents}:
   * what the batch's events said of their users' consent, merged over what each had said before
   * (an event of a user without analytics consent is admitted, counted by its campaign, and is no hit).
   */
  public record JourneysUpdated(String organizationId, List<JourneyState.Seen> seen, long appliedAtMillis,
      List<Hit> hits, List<SessionStarted> sessionsStarted, List<SessionEngaged> sessionsEngaged,
      List<Conversion> conversions, List<PathChange> pathChanges, List<FeedItem> feed,
      List<SessionStarted> sessionsWithdrawn, List<SessionEngaged> engagementsWithdrawn,
      List<Conversion> conversionsWithdrawn, List<JourneyState.ConsentKept> consents) implements Event {
    public JourneysUpdated {
      consents = consents == null ? List.of() : List.copyOf(consents);
      seen = List.copyOf(seen);
      hits = List.copyOf(hits);
      sessionsStarted = List.copyOf(sessionsStarted);
      sessionsEngaged = List.copyOf(sessionsEngaged);
      conversions = List.copyOf(conversions);
      pathChanges = List.copyOf(pathChanges);
      feed = List.copyOf(feed);
      sessionsWithdrawn = List.copyOf(sessionsWithdrawn);
      engagementsWithdrawn = List.copyOf(engagementsWithdrawn);
      conversionsWithdrawn = List.copyOf(conversionsWithdrawn);
    }

    /** A batch that restates nothing (as every batch written before event time came in). */
    public JourneysUpdated(String organizationId, List<JourneyState.Seen> seen, long appliedAtMillis,
        List<Hit> hits, List<SessionStarted> sessionsStarted, List<SessionEngaged> sessionsEngaged,
        List<Conversion> conversions, List<PathChange> pathChanges, List<FeedItem> feed) {
      this(organizationId, seen, appliedAtMillis, hits, sessionsStarted, sessionsEngaged, conversions, pathChanges, feed,
          List.of(), List.of(), List.of(), List.of());
    }
  }

  // Behaviour

  private final String organizationId;
  private final Set<String> tags;
  private final JourneySettings settings;
  private final ChannelGrouping channels;
  private final JourneyLogic logic;
  private final Clock clock;
  private final LiveBus live;

  /** The update the command handler planned for the event it is persisting, for the event handler. */
  private record Planned(JourneysUpdated event, JourneyState.Update update) {}

  private Planned planned;

  public static Behavior<Command> create(String entityId, JourneySettings settings, ChannelGrouping channels,
      Clock clock) {
    return create(entityId, settings, channels, clock, LiveBus.NONE);
  }

  public static Behavior<Command> create(String entityId, JourneySettings settings, ChannelGrouping channels,
      Clock clock, LiveBus live) {
    return Behaviors.setup(ctx -> new JourneyBucket(entityId, settings, channels, clock, live).in(ctx));
  }

  JourneyBucket(String entityId, JourneySettings settings, ChannelGrouping channels, Clock clock) {
    this(entityId, settings, channels, clock, LiveBus.NONE);
  }

  JourneyBucket(String entityId, JourneySettings settings, ChannelGrouping channels, Clock clock, LiveBus live) {
    super(ENTITY_TYPE_KEY, entityId, settings.snapshotEvery(), JourneyState::new, JourneyState::copy);
    this.organizationId = Entities.organizationOf(entityId);
    this.tags = Set.of(tagFor(entityId));
    this.settings = settings;
    this.channels = channels;
    this.logic = new JourneyLogic(settings);
    this.clock = clock;
    this.live = live;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    // Only journey facts feed the read side; ids alone (tracking off) need no tag row.
    return event instanceof JourneysUpdated ? tags : Set.of();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, JourneyState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Admit.class, this::onAdmit)
        .onCommand(GetUserJourney.class, this::onGetUserJourney)
        .onCommand(GetProfile.class, this::onGetProfile)
        .onCommand(Forget.class, this::onForget)
        .onCommand(Expire.class, this::onExpire)
        .onCommand(GetPrivacyCounts.class, this::onGetPrivacyCounts)
        .onCommand(Passivate.class, (state, cmd) -> Effect().stop().thenNoReply())
        .build();
  }

  /** Forget requests waiting for the snapshot after their event: that event's sequence number, and who asked. */
  private record Forgetting(long sequenceNr, ActorRef<StatusReply<Forgotten>> replyTo) {}

  private final List<Forgetting> forgetting = new ArrayList<>();
  /** The newest snapshot saved since this actor started; what its sequence number is read with. */
  private long snapshotSaved = -1;
  private ActorContext<Command> context;

  private JourneyBucket in(ActorContext<Command> context) {
    this.context = context;
    return this;
  }

  /**
   * The event is persisted, then the snapshot after it saved, and the request answered. The
   * snapshot's signal may come before or after the persist's side effect (a snapshot store that
   * answers at once), so whichever comes second answers.
   */
  private ReplyEffect<Event, JourneyState> onForget(JourneyState state, Forget cmd) {
    return persistAndSnapshot(new UserForgotten(UserKeys.key(organizationId, cmd.userId()), cmd.requestedAtMillis(),
        clock.millis()), cmd.replyTo());
  }

  private ReplyEffect<Event, JourneyState> onExpire(JourneyState state, Expire cmd) {
    return persistAndSnapshot(new JourneysExpired(cmd.cutoffMillis(), clock.millis()), cmd.replyTo());
  }

  private ReplyEffect<Event, JourneyState> persistAndSnapshot(Event event, ActorRef<StatusReply<Forgotten>> replyTo) {
    return Effect().persist(event)
        .thenRun(s -> {
          forgetting.add(new Forgetting(lastSequenceNumber(context), replyTo));
          answerForgetting(snapshotSaved, null);
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, JourneyState> onGetPrivacyCounts(JourneyState state, GetPrivacyCounts cmd) {
    int analyticsDenied = 0;
    int adDenied = 0;
    for (var said : state.consents.values()) {
      if (!analyticsGranted(said.consent())) analyticsDenied++;
      if (!adPersonalizationGranted(said.consent())) adDenied++;
    }
    return Effect().reply(cmd.replyTo(), new PrivacyCounts(state.users.size(), state.consents.size(), analyticsDenied, adDenied));
  }

  /** A snapshot after every forgotten user and every expiry, besides those every snapshot-every events. */
  @Override
  public boolean shouldSnapshot(JourneyState state, Event event, long sequenceNr) {
    return event instanceof UserForgotten || event instanceof JourneysExpired;
  }

  @Override
  public SignalHandler<JourneyState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(SnapshotCompleted.class, (state, done) -> {
          snapshotSaved = Math.max(snapshotSaved, done.metadata().sequenceNr());
          answerForgetting(snapshotSaved, null);
        })
        .onSignal(SnapshotFailed.class, (state, failed) -> answerForgetting(failed.metadata().sequenceNr(), failed.getFailure()))
        .build();
  }

  /** Answers the forget requests whose event the snapshot at {@code sequenceNr} includes. */
  private void answerForgetting(long sequenceNr, Throwable failure) {
    var it = forgetting.iterator();
    while (it.hasNext()) {
      var waiting = it.next();
      if (waiting.sequenceNr() > sequenceNr) continue;
      it.remove();
      waiting.replyTo().tell(failure == null ? StatusReply.success(new Forgotten(persistenceId().id(), sequenceNr))
          : StatusReply.error("the snapshot after forgetting failed: " + failure.getMessage()));
    }
  }

  private ReplyEffect<Event, JourneyState> onAdmit(JourneyState state, Admit cmd) {
    var decision = decide(state, cmd.events(), clock.millis());
    var reply = StatusReply.success(decision.reply());
    if (decision.event() == null) return Effect().reply(cmd.replyTo(), reply);
    var event = decision.event();
    return Effect().persist(event).thenRun(s -> published(event)).thenReply(cmd.replyTo(), s -> reply);
  }

  /** The batch's live-feed rows, for the dashboards that watch the organisation. */
  private void published(Event event) {
    if (event instanceof JourneysUpdated u && !u.feed().isEmpty()) live.publish(new FeedAdded(organizationId, u.feed()));
  }

  /** What an {@link Admit} makes: the reply, and the event to persist (null when there is nothing to record). */
  record Decision(Admitted reply, Event event) {}

  /**
   * Judges a command's deliveries on the unchanged state and plans what the admitted ones do to
   * their journeys; the event handler then commits that plan. Package-private for the tests that
   * drive a bucket's logic without an actor.
   */
  Decision decide(JourneyState state, List<Delivered> events, long now) {
    var admission = state.admit(events, now, settings);
    if (admission.toRecord().isEmpty()) return new Decision(admitted(state, admission, Map.of(), null), null);
    if (!settings.tracking()) {
      return new Decision(admitted(state, admission, Map.of(), null), new IdsRecorded(admission.toRecord(), now));
    }
    var prepared = prepare(state, admission, now);
    var facts = prepared.update().facts();
    var reply = admitted(state, prepared.admission(), prepared.failures(), facts);
    if (prepared.admission().toRecord().isEmpty()) return new Decision(reply, null);
    var event = new JourneysUpdated(organizationId, prepared.admission().toRecord(), now, prepared.hits(),
        facts.sessionsStarted, facts.sessionsEngaged, facts.conversions, facts.pathChanges, facts.feed,
        facts.sessionsWithdrawn, facts.engagementsWithdrawn, facts.conversionsWithdrawn, prepared.consents());
    planned = new Planned(event, prepared.update());
    return new Decision(reply, event);
  }

  /** The admitted events as hits and the update they plan, less the events the logic could not handle. */
  private record Prepared(JourneyState.Admission admission, List<Hit> hits, JourneyState.Update update,
      Map<Integer, String> failures, List<JourneyState.ConsentKept> consents) {}

  /**
   * An event the logic cannot handle fails alone (the ingest dead-letters it), not the batch: a
   * failed batch would come back after the restart and fail again, for ever.
   */
  private Prepared prepare(JourneyState state, JourneyState.Admission given, long now) {
    var errors = new HashMap<Integer, String>();
    var made = new ArrayList<Hit>(given.admitted().size());
    var hitOf = new ArrayList<Integer>(given.admitted().size());
    var said = new LinkedHashMap<String, Consent>();
    var forgottenAtByUser = new HashMap<String, Long>();
    for (int k = 0; k < given.admitted().size(); k++) {
      var event = given.admitted().get(k).event();
      // an event of a forgotten user that was on its way when the erasure came counts in its campaign only
      if (!state.forgotten.isEmpty() && !forgottenAtByUser.containsKey(event.userId())) {
        forgottenAtByUser.put(event.userId(), state.forgottenAt(organizationId, event.userId()));
      }
      var forgottenAt = forgottenAtByUser.get(event.userId());
      if (forgottenAt != null && !event.timestamp().isAfter(Instant.ofEpochMilli(forgottenAt))) continue;
      var consent = said.containsKey(event.userId()) ? said.get(event.userId()) : state.consentOf(event.userId());
      if (!event.consent().isUnsaid()) {
        consent = event.consent().over(consent);
        said.put(event.userId(), consent);
      }
      // without analytics consent the event counts in its campaign only: no journey, no path, no learning
      if (!analyticsGranted(consent)) continue;
      try {
        made.add(logic.hit(event, channels));
        hitOf.add(k);
      } catch (RuntimeException e) {
        errors.put(k, e.toString());
      }
    }
    var flagged = TrafficFlags.flag(state, given, made, hitOf, settings.behaviour());
    var hits = flagged.hits();
    var admission = flagged.admission();
    var failedHits = new HashSet<Integer>();
    // planned on the unchanged state; the event handler commits this plan (replay plans the same hits again)
    var update = state.planSafely(hits, logic, now, failedHits);
    var consents = new ArrayList<JourneyState.ConsentKept>(said.size());
    said.forEach((userId, consent) -> consents.add(new JourneyState.ConsentKept(userId, consent)));
    if (errors.isEmpty() && failedHits.isEmpty()) return new Prepared(admission, hits, update, Map.of(), consents);
    for (var h : failedHits) errors.put(hitOf.get(h), "the journey logic threw on it");
    var kept = new ArrayList<Hit>(hits.size());
    for (int h = 0; h < hits.size(); h++) if (!failedHits.contains(h)) kept.add(hits.get(h));
    var reasons = new HashMap<Long, String>();
    errors.forEach((k, error) -> reasons.put(admission.toRecord().get(k).digest(),
        "journey " + persistenceId().id() + " could not apply the event: " + error));
    var remaining = admission.without(errors.keySet());
    var failures = new HashMap<Integer, String>();
    for (int i = 0; i < remaining.verdicts().length; i++) {
      if (remaining.verdicts()[i] == Verdict.FAILED) failures.put(i, reasons.get(remaining.digests()[i]));
    }
    log.warn("Journey bucket {} left out {} event(s) it could not apply: {}", persistenceId().id(), errors.size(), errors.values());
    return new Prepared(remaining, kept, update, failures, consents);
  }

  private boolean analyticsGranted(Consent said) {
    return said.analytics() != null ? said.analytics() : settings.consentByDefault().analytics();
  }

  private boolean adPersonalizationGranted(Consent said) {
    return said.adPersonalization() != null ? said.adPersonalization() : settings.consentByDefault().adPersonalization();
  }

  /** The user's profile with their consent; a user known only by what their events said of consent has an empty one. */
  private JourneyProfile profileOf(JourneyState state, UserJourney journey, String userId) {
    var consent = state.consentOf(userId);
    return (journey == null ? UserJourney.EMPTY : journey).profile()
        .withConsent(analyticsGranted(consent), adPersonalizationGranted(consent));
  }

  private static Admitted admitted(JourneyState state, JourneyState.Admission admission, Map<Integer, String> failures,
      JourneyLogic.Facts facts) {
    return new Admitted(List.of(admission.verdicts()), failures, facts == null ? 0 : facts.tooLate,
        facts == null ? 0 : facts.outOfOrder, facts == null ? 0 : facts.conversionsWithdrawn.size(),
        admission.flags(state.recentIds));
  }

  private ReplyEffect<Event, JourneyState> onGetUserJourney(JourneyState state, GetUserJourney cmd) {
    var journey = state.journey(cmd.userId(), settings);
    if (journey == null) return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_USER));
    var view = UserJourneyView.of(cmd.userId(), journey, profileOf(state, journey, cmd.userId()), settings, clock.millis());
    return Effect().reply(cmd.replyTo(), StatusReply.success(view));
  }

  private ReplyEffect<Event, JourneyState> onGetProfile(JourneyState state, GetProfile cmd) {
    var journey = state.journey(cmd.userId(), settings);
    if (journey == null && !state.consents.containsKey(cmd.userId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_USER));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(profileOf(state, journey, cmd.userId())));
  }

  @Override
  public EventHandler<JourneyState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(IdsRecorded.class, (state, e) -> writable(state).record(e.seen(), e.appliedAtMillis(), settings))
        .onEvent(JourneysUpdated.class, this::onJourneysUpdated)
        .onEvent(JourneysExpired.class, (state, e) -> writable(state).expire(e.cutoffMillis(), e.appliedAtMillis()))
        .onEvent(UserForgotten.class, (state, e) -> writable(state).forget(organizationId, e.userKey(), e.requestedAtMillis(),
            e.appliedAtMillis(), settings))
        .build();
  }

  private JourneyState onJourneysUpdated(JourneyState given, JourneysUpdated event) {
    var state = writable(given);
    state.record(event.seen(), event.appliedAtMillis(), settings);
    state.keepConsents(event.consents(), event.appliedAtMillis(), settings);
    var plan = planned;
    planned = null;
    // Pekko applies a persisted event right after the command handler made it: commit that plan
    // instead of working the hits out twice. Recovery reads events back and plans them anew.
    if (plan != null && plan.event() == event) return state.commit(plan.update(), settings);
    return state.apply(event.hits(), logic, event.appliedAtMillis());
  }
}
