package dev.beacon.campaign;

import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.common.CborSerializable;
import dev.beacon.common.Entities;
import dev.beacon.common.LiveBus;
import dev.beacon.common.LiveUpdate;
import dev.beacon.common.MutableStateEntity;
import dev.beacon.event.Delivered;
import dev.beacon.event.Money;
import dev.beacon.event.Verdict;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One campaign of one organisation: its counters, minute and day windows and sessions. It
 * applies a micro-batch's share of events as one persisted event, and is idempotent: a record at
 * or below the highest offset applied for its partition changes nothing, nor does an event
 * without a user whose id it applied within the dedup window.
 */
public final class Campaign extends MutableStateEntity<Campaign.Command, Campaign.Event, CampaignState> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Campaign");

  /** The entity id: organisation and campaign. Organisation ids never contain '|'. */
  public static String entityId(String organizationId, String campaignId) {
    return Entities.organizationScoped(organizationId, campaignId);
  }

  public static void init(ActorSystem<?> system, CampaignSettings settings, Clock clock) {
    init(system, settings, clock, LiveBus.NONE);
  }

  /** Registers the entity; each persisted batch publishes the campaign's new all-time metrics on {@code live}. */
  public static void init(ActorSystem<?> system, CampaignSettings settings, Clock clock, LiveBus live) {
    Entities.init(system, ENTITY_TYPE_KEY, entityId -> create(entityId, settings, clock, live), new Passivate());
  }

  // Commands and replies

  public sealed interface Command extends CborSerializable
      permits Apply, GetMetrics, GetDaily, SetBudget, GetConfiguration, GetAlerts, Passivate {}

  /**
   * Apply a micro-batch's events for this campaign, in offset order per partition.
   * {@code notCounted} holds the indexes of events whose journey did not count them (a retry of an
   * event applied from another delivery, or an event it could not apply): they move the offsets
   * on, so a redelivery is still recognised, but count nothing. {@code flags} holds the
   * invalid-traffic flags the journeys gave, by index; the campaign flags the events without a
   * user itself ({@link CampaignSettings#traffic()}). A flagged event counts raw, not valid.
   */
  public record Apply(List<Delivered> events, Set<Integer> notCounted, Map<Integer, InvalidTraffic> flags,
      ActorRef<StatusReply<Applied>> replyTo) implements Command {
    public Apply {
      notCounted = Set.copyOf(notCounted);
      flags = Map.copyOf(flags);
    }

    /** Deliveries no journey flagged. */
    public Apply(List<Delivered> events, Set<Integer> notCounted, ActorRef<StatusReply<Applied>> replyTo) {
      this(events, notCounted, Map.of(), replyTo);
    }
  }

  /** A verdict per delivery, in the order of {@link Apply#events()}. */
  public record Applied(List<Verdict> verdicts) implements CborSerializable {
    public Applied {
      verdicts = List.copyOf(verdicts);
    }
  }

  /** Metrics over the last {@code window} (minute-aligned), or all time when null. */
  public record GetMetrics(Duration window, ActorRef<StatusReply<CampaignMetrics>> replyTo) implements Command {}

  public record GetDaily(LocalDate from, LocalDate to, ActorRef<StatusReply<DailyMetrics>> replyTo) implements Command {}

  public record DailyMetrics(String campaignId, String organizationId, List<CampaignMetrics.Daily> days)
      implements CborSerializable {}

  /** Sets the daily budget (a non-negative amount in the campaign's currency), or clears it when null. */
  public record SetBudget(BigDecimal dailyBudget, ActorRef<StatusReply<Configuration>> replyTo) implements Command {}

  public record GetConfiguration(ActorRef<StatusReply<Configuration>> replyTo) implements Command {}

  /** What a campaign is set to: its daily budget, null when none. */
  public record Configuration(String campaignId, String organizationId, BigDecimal dailyBudget) implements CborSerializable {}

  /** The campaign's alerts, newest first. Unlike the metrics, a campaign that has seen nothing has none (no 404). */
  public record GetAlerts(ActorRef<StatusReply<Alerts>> replyTo) implements Command {}

  public record Alerts(String campaignId, String organizationId, List<Alert> alerts) implements CborSerializable {
    public Alerts {
      alerts = List.copyOf(alerts);
    }
  }

  record Passivate() implements Command {}

  /** Why a query found nothing: the campaign has never seen an event. */
  public static final String UNKNOWN_CAMPAIGN = "unknown campaign";

  // Events

  /** Journaled by {@link CampaignEventSerializer}, bound in application.conf. */
  public sealed interface Event permits EventsApplied, BudgetSet, HourJudged {}

  public record EventsApplied(List<CampaignState.Counted> counted, Map<String, Long> offsets, long appliedAtMillis)
      implements Event {}

  /** The daily budget in micros; 0 clears it. */
  public record BudgetSet(long dailyBudgetMicros) implements Event {}

  /** A closed hour judged for anomalies, once, and the alerts it raised (often none). */
  public record HourJudged(long hourStartMillis, List<Alert> alerts) implements Event {
    public HourJudged {
      alerts = List.copyOf(alerts);
    }
  }

  // Behaviour

  private final String organizationId;
  private final String campaignId;
  private final CampaignSettings settings;
  private final Clock clock;
  private final LiveBus live;
  private final AnomalyDetector detector;

  public static Behavior<Command> create(String entityId, CampaignSettings settings, Clock clock) {
    return create(entityId, settings, clock, LiveBus.NONE);
  }

  public static Behavior<Command> create(String entityId, CampaignSettings settings, Clock clock, LiveBus live) {
    return Behaviors.setup(ctx -> new Campaign(entityId, settings, clock, live));
  }

  Campaign(String entityId, CampaignSettings settings, Clock clock) {
    this(entityId, settings, clock, LiveBus.NONE);
  }

  Campaign(String entityId, CampaignSettings settings, Clock clock, LiveBus live) {
    super(ENTITY_TYPE_KEY, entityId, settings.snapshotEvery(), CampaignState::new, CampaignState::copy);
    this.organizationId = Entities.organizationOf(entityId);
    this.campaignId = Entities.localIdOf(entityId);
    this.settings = settings;
    this.clock = clock;
    this.live = live;
    this.detector = new AnomalyDetector(settings.anomalies());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, CampaignState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Apply.class, this::onApply)
        .onCommand(GetMetrics.class, this::onGetMetrics)
        .onCommand(GetDaily.class, this::onGetDaily)
        .onCommand(SetBudget.class, this::onSetBudget)
        .onCommand(GetConfiguration.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(configuration(state))))
        .onCommand(GetAlerts.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            StatusReply.success(new Alerts(campaignId, organizationId, state.newestAlertsFirst()))))
        .onCommand(Passivate.class, (state, cmd) -> Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<Event, CampaignState> onApply(CampaignState state, Apply cmd) {
    var decision = decide(state, cmd.events(), cmd.notCounted(), cmd.flags(), clock.millis());
    var reply = StatusReply.success(decision.reply());
    if (decision.event() == null) return Effect().reply(cmd.replyTo(), reply);
    var judged = judge(state, decision.event().appliedAtMillis());
    if (judged == null) {
      return Effect().persist(decision.event()).thenRun(this::published).thenReply(cmd.replyTo(), s -> reply);
    }
    return Effect().persist(List.of(decision.event(), judged))
        .thenRun(s -> {
          published(s);
          judged.alerts().forEach(alert -> live.publish(new AlertRaised(organizationId, campaignId, alert)));
        })
        .thenReply(cmd.replyTo(), s -> reply);
  }

  /**
   * The hour that closed before this batch, judged by the first batch persisted after it (on the
   * state before the batch): once per hour, in the journal with the batch, so a restart neither
   * judges it again nor misses it. Null
   * when that hour was judged already (or anomalies are off).
   */
  private HourJudged judge(CampaignState state, long nowMillis) {
    if (!settings.anomalies().enabled()) return null;
    var hour = state.hourToJudge(nowMillis);
    return hour < 0 ? null : new HourJudged(hour, state.judge(hour, detector));
  }

  /** The campaign's all-time metrics after a batch, for the dashboards that watch it. */
  private void published(CampaignState state) {
    live.publish(new CampaignChanged(CampaignMetrics.of(organizationId, campaignId, Instant.now(clock), state.window(null))));
  }

  /** An anomaly alert a campaign raised, for the dashboards. */
  public record AlertRaised(String organizationId, String campaignId, Alert alert) implements LiveUpdate {}

  private ReplyEffect<Event, CampaignState> onSetBudget(CampaignState state, SetBudget cmd) {
    var micros = cmd.dailyBudget() == null ? 0 : Money.toMicros(cmd.dailyBudget());
    if (micros < 0) return Effect().reply(cmd.replyTo(), StatusReply.error("dailyBudget: must not be negative"));
    return Effect().persist(new BudgetSet(micros)).thenReply(cmd.replyTo(), s -> StatusReply.success(configuration(s)));
  }

  private Configuration configuration(CampaignState state) {
    return new Configuration(campaignId, organizationId,
        state.dailyBudgetMicros == 0 ? null : Money.fromMicros(state.dailyBudgetMicros));
  }

  /** A campaign's metrics after a persisted batch (all time, as the dashboard query without a window). */
  public record CampaignChanged(CampaignMetrics metrics) implements LiveUpdate {
    @Override
    public String organizationId() {
      return metrics.organizationId();
    }
  }

  /** What an {@link Apply} makes: the reply, and the event to persist (null when no offset moves). */
  record Decision(Applied reply, EventsApplied event) {}

  /** Judges a command's deliveries. Package-private for the tests that drive a campaign without an actor. */
  Decision decide(CampaignState state, List<Delivered> events, Set<Integer> notCounted, long now) {
    return decide(state, events, notCounted, Map.of(), now);
  }

  /** As above, {@code flags} being the invalid-traffic flags the journeys gave, by index. */
  Decision decide(CampaignState state, List<Delivered> events, Set<Integer> notCounted, Map<Integer, InvalidTraffic> flags,
      long now) {
    var selection = state.select(events, notCounted, flags, now, settings);
    var applied = new Applied(selection.verdicts());
    if (selection.offsets().isEmpty()) return new Decision(applied, null);
    return new Decision(applied, new EventsApplied(selection.fresh(), selection.offsets(), now));
  }

  private ReplyEffect<Event, CampaignState> onGetMetrics(CampaignState state, GetMetrics cmd) {
    if (state.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_CAMPAIGN));
    var now = Instant.now(clock);
    var from = cmd.window() == null ? null : now.minus(cmd.window()).toEpochMilli();
    var metrics = CampaignMetrics.of(organizationId, campaignId, now, state.window(from));
    return Effect().reply(cmd.replyTo(), StatusReply.success(metrics));
  }

  private ReplyEffect<Event, CampaignState> onGetDaily(CampaignState state, GetDaily cmd) {
    if (state.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_CAMPAIGN));
    var daily = new DailyMetrics(campaignId, organizationId, state.daily(cmd.from(), cmd.to()));
    return Effect().reply(cmd.replyTo(), StatusReply.success(daily));
  }

  @Override
  public EventHandler<CampaignState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(EventsApplied.class, (state, e) -> writable(state).apply(e.counted(), e.offsets(), e.appliedAtMillis(), settings))
        .onEvent(BudgetSet.class, (state, e) -> writable(state).budget(e.dailyBudgetMicros()))
        .onEvent(HourJudged.class, (state, e) -> writable(state).judged(e.hourStartMillis(), e.alerts(), settings.anomalies().keep()))
        .build();
  }
}
