package dev.beacon.live;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignMetrics;
import dev.beacon.campaign.CampaignQueries;
import dev.beacon.common.CborSerializable;
import dev.beacon.common.Entities;
import dev.beacon.common.Json;
import dev.beacon.common.LiveUpdate;
import dev.beacon.journey.AttributionAnswers;
import dev.beacon.journey.AttributionCommitted;
import dev.beacon.journey.FeedAdded;
import dev.beacon.journey.FeedItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * An organisation's live hub, one per organisation in the cluster (sharded, kept in memory only):
 * it takes what campaign entities, journey buckets and the read side publish, keeps the latest
 * metrics of each campaign, the newest rows of the live feed and the attribution answers, passes
 * campaigns' anomaly alerts on, and
 * publishes each change, rendered once, on the organisation's topic, numbered in order. A
 * subscription asks it for a snapshot (numbered as the last message it includes) after it joined
 * the topic, so that it misses nothing and counts nothing twice. The totals go out at most every
 * {@code dashboard-interval}; the attribution answers are read again {@code attribution-debounce}
 * after the read side committed a change, and go out when they differ.
 */
public final class LiveHub extends AbstractBehavior<LiveHub.Command> {
  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "LiveHub");
  /**
   * Rows of the live feed in a snapshot and, at most, in an update (the newest of what a flush
   * brought): the dashboard shows the last 20, and more would only make every client's frames heavier.
   */
  static final int FEED_ROWS_SHOWN = 20;
  /** Reads of the organisation's campaigns for the first snapshot, a second apart, before the hub goes on without them. */
  private static final int DASHBOARD_ATTEMPTS = 10;
  private static final Comparator<FeedItem> NEWEST_FIRST = Comparator.comparingLong(FeedItem::timestampMillis).reversed();

  public sealed interface Command extends CborSerializable
      permits Publish, GetSnapshot, GetFeed, ForgetUser, Passivate, DashboardLoaded, DashboardNotLoaded, LoadDashboard,
      AttributionLoaded, Flush,
      RefreshAttribution {}

  /**
   * What an entity or the read side says changed. It crosses nodes (the hub may live on another),
   * so the update says which kind it is.
   */
  public record Publish(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
      @JsonSubTypes({@JsonSubTypes.Type(Campaign.CampaignChanged.class), @JsonSubTypes.Type(FeedAdded.class),
          @JsonSubTypes.Type(AttributionCommitted.class), @JsonSubTypes.Type(Campaign.AlertRaised.class)})
      LiveUpdate update) implements Command {}

  /** The current state as a client's first message; {@code campaignIds} null for all, {@code note} said in it. */
  public record GetSnapshot(Set<String> campaignIds, String note, ActorRef<Snapshot> replyTo) implements Command {}

  /** A snapshot: {@code id} is the last message it includes. */
  public record Snapshot(long id, String json) implements CborSerializable {}

  /** The newest {@code limit} rows of the live feed, newest first. */
  public record GetFeed(int limit, ActorRef<Feed> replyTo) implements Command {}

  /** {@code known}: whether Beacon holds anything of the organisation (its campaigns, its journeys, its feed). */
  public record Feed(boolean known, List<FeedRow> rows) implements CborSerializable {}

  /**
   * An erasure: the user's rows leave the live feed (and the snapshot rendered with them); answered
   * with how many went. Clients that were sent a row before keep what they were sent.
   */
  public record ForgetUser(String userId, ActorRef<FeedRowsForgotten> replyTo) implements Command {}

  public record FeedRowsForgotten(int rows) implements CborSerializable {}

  public record Passivate() implements Command {}

  record DashboardLoaded(List<CampaignMetrics> campaigns) implements Command {}

  record DashboardNotLoaded(String reason) implements Command {}

  record LoadDashboard() implements Command {}

  /** The attribution answers read again, as JSON trees (null when the read side knows nothing of the organisation). */
  record AttributionLoaded(JsonNode attribution, JsonNode timeseries) implements Command {}

  record Flush() implements Command {}

  record RefreshAttribution() implements Command {}

  private final String organizationId;
  private final String quotedOrganizationId;
  private long lastFlushMillis;
  /** The snapshot of the whole organisation without a note, while nothing changed since it was rendered. */
  private Snapshot lastPlainSnapshot;
  private final LiveSettings settings;
  private final CampaignQueries campaigns;
  private final AttributionAnswers answers;
  private final Executor blocking;
  private final Clock clock;
  private final ActorRef<Topic.Command<LiveBatch>> topic;
  private final TimerScheduler<Command> timers;
  private final TreeMap<String, CampaignMetrics> metrics = new TreeMap<>();
  private final List<FeedItem> feed = new ArrayList<>();
  private long lastId;
  /** What changed since the last flush: the newest metrics of each campaign, the new feed rows. */
  private final TreeMap<String, CampaignMetrics> changedCampaigns = new TreeMap<>();
  private final List<FeedItem> newRows = new ArrayList<>();
  private final List<CampaignQueries.CampaignAlert> newAlerts = new ArrayList<>();
  private final List<LiveMessage> outgoing = new ArrayList<>();
  private boolean dashboardLoaded;
  private int dashboardAttempts;
  private boolean attributionLoaded;
  /** Feed requests that came before the organisation's state was read (answered once it is). */
  private final List<GetFeed> early = new ArrayList<>();
  /** Snapshot requests that came before the organisation's state was read (answered once it is). */
  private final List<GetSnapshot> earlySnapshots = new ArrayList<>();
  private boolean refreshing;
  private boolean refreshAgain;
  private JsonNode attribution;
  private JsonNode timeseries;

  public static void init(ActorSystem<?> system, LiveSettings settings, CampaignQueries campaigns, AttributionAnswers answers,
      Executor blocking, LiveTopics topics, Clock clock) {
    Entities.init(system, ENTITY_TYPE_KEY, org -> Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers ->
        new LiveHub(ctx, timers, org, settings, campaigns, answers, blocking, topics.of(org), clock))), new Passivate());
  }

  private LiveHub(ActorContext<Command> context, TimerScheduler<Command> timers, String organizationId, LiveSettings settings,
      CampaignQueries campaigns, AttributionAnswers answers, Executor blocking, ActorRef<Topic.Command<LiveBatch>> topic,
      Clock clock) {
    super(context);
    this.timers = timers;
    this.organizationId = organizationId;
    this.quotedOrganizationId = json(organizationId);
    this.settings = settings;
    this.campaigns = campaigns;
    this.answers = answers;
    this.blocking = blocking;
    this.topic = topic;
    this.clock = clock;
    loadDashboard();
    refreshAttribution();
  }

  /**
   * Reads the organisation's campaigns for the first snapshot. On a node that just took the hub
   * over from one that died, the campaign entities may still be recovering and the read fail: it
   * is read again a second later (snapshots wait meanwhile), and after {@value #DASHBOARD_ATTEMPTS}
   * failures the hub goes on with what batches publish, rather than keep its clients waiting.
   */
  private void loadDashboard() {
    getContext().pipeToSelf(campaigns.dashboard(organizationId, null), (dashboard, error) -> error == null
        ? new DashboardLoaded(dashboard.campaigns()) : new DashboardNotLoaded(error.toString()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Publish.class, this::onPublish)
        .onMessage(GetSnapshot.class, this::onGetSnapshot)
        .onMessage(GetFeed.class, this::onGetFeed)
        .onMessage(ForgetUser.class, this::onForgetUser)
        .onMessage(DashboardLoaded.class, this::onDashboardLoaded)
        .onMessage(DashboardNotLoaded.class, this::onDashboardNotLoaded)
        .onMessage(LoadDashboard.class, m -> {
          loadDashboard();
          return this;
        })
        .onMessage(AttributionLoaded.class, this::onAttributionLoaded)
        .onMessage(Flush.class, m -> flush())
        .onMessage(RefreshAttribution.class, m -> {
          refreshAttribution();
          return this;
        })
        .onMessage(Passivate.class, m -> Behaviors.stopped())
        .build();
  }

  private Behavior<Command> onForgetUser(ForgetUser forget) {
    var before = feed.size();
    feed.removeIf(row -> row.userId().equals(forget.userId()));
    newRows.removeIf(row -> row.userId().equals(forget.userId()));
    lastPlainSnapshot = null;
    forget.replyTo().tell(new FeedRowsForgotten(before - feed.size()));
    return this;
  }

  private Behavior<Command> onPublish(Publish publish) {
    var update = publish.update();
    if (!(update instanceof AttributionCommitted)) lastPlainSnapshot = null;
    if (update instanceof Campaign.CampaignChanged changed) {
      var m = changed.metrics();
      metrics.put(m.campaignId(), m);
      changedCampaigns.put(m.campaignId(), m);
      scheduleFlush();
    } else if (update instanceof FeedAdded added) {
      // batches of different buckets arrive in any order: the feed keeps the newest by event time
      feed.addAll(added.items());
      feed.sort(NEWEST_FIRST);
      while (feed.size() > settings.feedSize()) feed.remove(feed.size() - 1);
      newRows.addAll(added.items());
      scheduleFlush();
    } else if (update instanceof Campaign.AlertRaised raised) {
      newAlerts.add(CampaignQueries.CampaignAlert.of(raised.campaignId(), raised.alert()));
      scheduleFlush();
    } else if (update instanceof AttributionCommitted) {
      if (refreshing) {
        refreshAgain = true;
      } else if (!timers.isTimerActive("refresh")) {
        timers.startSingleTimer("refresh", new RefreshAttribution(), settings.attributionDebounce());
      }
    }
    return this;
  }

  private Behavior<Command> onGetSnapshot(GetSnapshot get) {
    if (!dashboardLoaded || !attributionLoaded) {
      // a snapshot shows the organisation as it is: not before its campaigns were read
      earlySnapshots.add(get);
      return this;
    }
    // a reconnecting crowd asks for the same snapshot: rendered once while nothing changed
    var plain = get.campaignIds() == null && get.note() == null;
    if (plain && lastPlainSnapshot != null) {
      get.replyTo().tell(lastPlainSnapshot);
      return this;
    }
    var node = Json.MAPPER.createObjectNode();
    node.put("type", "snapshot");
    node.put("id", lastId);
    node.put("organizationId", organizationId);
    if (get.campaignIds() == null) {
      node.putNull("campaignIds");
    } else {
      var ids = node.putArray("campaignIds");
      get.campaignIds().stream().sorted().forEach(ids::add);
    }
    node.put("resumed", false);
    if (get.note() != null) node.put("note", get.note());
    var chosen = metrics.values().stream()
        .filter(m -> get.campaignIds() == null || get.campaignIds().contains(m.campaignId())).toList();
    node.set("dashboard", Json.MAPPER.valueToTree(CampaignQueries.Dashboard.of(organizationId, Instant.now(clock), null, chosen)));
    node.set("attribution", attribution);
    node.set("timeseries", timeseries);
    node.set("events", Json.MAPPER.valueToTree(rows(FEED_ROWS_SHOWN)));
    var snapshot = new Snapshot(lastId, node.toString());
    if (plain) lastPlainSnapshot = snapshot;
    get.replyTo().tell(snapshot);
    return this;
  }

  private Behavior<Command> onGetFeed(GetFeed get) {
    if (!dashboardLoaded || !attributionLoaded) {
      early.add(get);
    } else {
      get.replyTo().tell(new Feed(!feed.isEmpty() || !metrics.isEmpty() || attribution != null, rows(get.limit())));
    }
    return this;
  }

  private List<FeedRow> rows(int limit) {
    return feed.stream().limit(limit).map(FeedRow::of).toList();
  }

  /** Once the organisation's state is read, the feed requests that waited for it are answered. */
  private void answerEarly() {
    if (!dashboardLoaded || !attributionLoaded) return;
    var waiting = List.copyOf(early);
    early.clear();
    waiting.forEach(this::onGetFeed);
    var snapshots = List.copyOf(earlySnapshots);
    earlySnapshots.clear();
    snapshots.forEach(this::onGetSnapshot);
  }

  private Behavior<Command> onDashboardNotLoaded(DashboardNotLoaded failed) {
    if (++dashboardAttempts < DASHBOARD_ATTEMPTS) {
      timers.startSingleTimer("load-dashboard", new LoadDashboard(), Duration.ofSeconds(1));
      return this;
    }
    getContext().getLog().warn("The campaigns of organization {} could not be read for its live dashboard ({} attempts, last: {}); "
        + "it shows what batches publish from now on", organizationId, DASHBOARD_ATTEMPTS, failed.reason());
    return onDashboardLoaded(new DashboardLoaded(List.of()));
  }

  private Behavior<Command> onDashboardLoaded(DashboardLoaded loaded) {
    dashboardLoaded = true;
    lastPlainSnapshot = null;
    // what a batch published since is newer than what the load read
    for (var m : loaded.campaigns()) metrics.putIfAbsent(m.campaignId(), m);
    answerEarly();
    return this;
  }

  /**
   * A flush waits {@code publish-delay} for the rest of a batch's changes (its entities persist
   * at nearly the same time), and comes at most once per {@code publish-interval}.
   */
  private void scheduleFlush() {
    if (timers.isTimerActive("flush")) return;
    var sinceLast = clock.millis() - lastFlushMillis;
    var delay = Math.max(settings.publishDelay().toMillis(), settings.publishInterval().toMillis() - sinceLast);
    timers.startSingleTimer("flush", new Flush(), Duration.ofMillis(delay));
  }

  /** Publishes what changed since the last flush as one batch: each campaign's newest metrics, the totals, the new feed rows, the alerts. */
  private Behavior<Command> flush() {
    lastFlushMillis = clock.millis();
    for (var m : changedCampaigns.values()) send(LiveMessage.CAMPAIGN, "campaign:" + m.campaignId(), m.campaignId(), json(m));
    if (!changedCampaigns.isEmpty()) {
      // the totals only: the campaigns that moved are in the batch, the others did not
      var totals = Json.MAPPER.<ObjectNode>valueToTree(
          CampaignQueries.Dashboard.of(organizationId, Instant.now(clock), null, List.copyOf(metrics.values())));
      totals.remove("campaigns");
      send(LiveMessage.DASHBOARD, "dashboard", null, totals.toString());
    }
    if (!newRows.isEmpty()) {
      newRows.sort(NEWEST_FIRST);
      var rows = newRows.stream().limit(FEED_ROWS_SHOWN).map(FeedRow::of).toList();
      send(LiveMessage.EVENTS, "events:" + (lastId + 1), null, json(rows));
    }
    for (var alert : newAlerts) send(LiveMessage.ALERT, "alert:" + (lastId + 1), alert.campaignId(), json(alert));
    changedCampaigns.clear();
    newRows.clear();
    newAlerts.clear();
    release();
    return this;
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("not writable as JSON: " + value, e);
    }
  }

  /** Reads the attribution answers off the actor's thread; one read at a time, another after it when asked meanwhile. */
  private void refreshAttribution() {
    refreshing = true;
    var to = answers.today();
    var read = CompletableFuture.supplyAsync(() -> {
      try {
        if (!answers.knows(organizationId)) return new AttributionLoaded(null, null);
        var compare = answers.compare(organizationId, to.minusDays(AttributionAnswers.COMPARE_DAYS - 1L), to);
        var series = answers.timeseries(organizationId, to.minusDays(AttributionAnswers.SERIES_DAYS - 1L), to);
        return new AttributionLoaded(Json.MAPPER.valueToTree(compare), Json.MAPPER.valueToTree(series));
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking);
    getContext().pipeToSelf(read, (loaded, error) -> {
      if (error != null) {
        getContext().getLog().warn("Attribution answers of {} not read for the dashboards: {}", organizationId, error.toString());
        return new AttributionLoaded(attribution, timeseries);
      }
      return loaded;
    });
  }

  /** The first read only sets the answers (snapshots carry them); a later one that changed them goes out. */
  private Behavior<Command> onAttributionLoaded(AttributionLoaded loaded) {
    refreshing = false;
    var first = !attributionLoaded;
    var changed = !first && loaded.attribution() != null
        && (!loaded.attribution().equals(attribution) || !loaded.timeseries().equals(timeseries));
    if (first || changed) lastPlainSnapshot = null;
    attributionLoaded = true;
    attribution = loaded.attribution();
    timeseries = loaded.timeseries();
    if (first) answerEarly();
    if (changed) {
      var node = Json.MAPPER.createObjectNode();
      node.set("attribution", attribution);
      node.set("timeseries", timeseries);
      send(LiveMessage.ATTRIBUTION, "attribution", null, node.toString());
      release();
    }
    if (refreshAgain) {
      refreshAgain = false;
      timers.startSingleTimer("refresh", new RefreshAttribution(), settings.attributionDebounce());
    }
    return this;
  }

  private void send(String kind, String key, String campaignId, String json) {
    lastId++;
    outgoing.add(new LiveMessage(lastId, kind, key, campaignId, json));
  }

  /** Publishes what {@link #send} gathered, as one batch. */
  private void release() {
    if (outgoing.isEmpty()) return;
    topic.tell(Topic.publish(LiveBatch.of(quotedOrganizationId, outgoing)));
    outgoing.clear();
  }
}
