package dev.beacon.live;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.stream.KillSwitch;

/**
 * One dashboard client's subscription, on the node it connected to. It listens on its
 * organisation's topic, asks the hub for a snapshot once it listens (what the topic brought before
 * the snapshot and the snapshot holds is dropped by number, so nothing is missed or doubled), and
 * queues what the client is to receive, filtered by its campaigns: at most {@code queue-size}
 * updates, a newer update of the same thing (a campaign's metrics, the totals, the attribution)
 * replacing the queued one, and beyond the bound the oldest going (feed rows first). The client
 * takes them by polling ({@link Poll}) or by a stream (SSE or websocket) that asks for the next
 * ones ({@link Next}) as fast as it sends them: a stream that takes nothing while updates wait
 * for {@code stuck-timeout} is cut; an idle stream gets a heartbeat every {@code heartbeat}; a
 * subscription nobody takes from for {@code idle-timeout} stops. Delivered updates are kept
 * ({@code resume-buffer}) so that an SSE client reconnecting with {@code Last-Event-ID} resumes
 * without a gap, or else gets a fresh snapshot that says so.
 */
final class Subscription extends AbstractBehavior<Subscription.Command> {
  sealed interface Command permits Subscribe, Filter, Unsubscribe, Delivered, SnapshotReady, Poll, Next, Attach, Switch,
      Detached, Stop, Tick, Fail, GetInfo {}

  /** Follow an organisation (and only these campaigns, unless null). */
  record Subscribe(String organizationId, Set<String> campaignIds) implements Command {}

  /** Only these campaigns from now on (null: all); a fresh snapshot follows. */
  record Filter(Set<String> campaignIds) implements Command {}

  /** Stop following (the websocket's unsubscribe; the connection stays). */
  record Unsubscribe() implements Command {}

  record Delivered(LiveBatch batch) implements Command {}

  record SnapshotReady(LiveHub.Snapshot snapshot, long generation) implements Command {}

  /** The queued updates now, for a polling client. */
  record Poll(ActorRef<Batch> replyTo) implements Command {}

  /** The next updates for a stream: answered when there are some, or with a heartbeat. */
  record Next(ActorRef<Batch> replyTo) implements Command {}

  /** A stream takes this subscription over; {@code lastEventId} is where an SSE client asks to resume (or null). */
  record Attach(Long lastEventId, ActorRef<Attached> replyTo) implements Command {}

  record Attached(boolean resumed) {}

  /** How to cut the attached stream. */
  record Switch(KillSwitch killSwitch) implements Command {}

  record Detached() implements Command {}

  record Stop() implements Command {}

  record Tick() implements Command {}

  /** An error for the client (a websocket request it cannot have). */
  record Fail(String json) implements Command {}

  record GetInfo(ActorRef<Info> replyTo) implements Command {}

  record Info(String id, String organizationId, Set<String> campaignIds, Instant createdAt, int queued, long delivered,
      long conflated, long dropped, boolean streaming) {}

  /** What a client receives: SSE's event name and id (null for heartbeats and errors), and the JSON. */
  record Outgoing(Long id, String event, String json) {}

  record Batch(List<Outgoing> items, boolean closed) {}

  /** How a subscription finds its organisation's hub and topic. */
  interface Hubs {
    ActorRef<Topic.Command<LiveBatch>> topic(String organizationId);

    CompletionStage<LiveHub.Snapshot> snapshot(String organizationId, Set<String> campaignIds, String note);
  }

  private final String id;
  private final LiveSettings settings;
  private final Hubs hubs;
  private final Clock clock;
  private final LiveStats stats;
  private final boolean connectionBound;
  private final Runnable whenStopped;
  private final Instant createdAt;
  private final ActorRef<LiveBatch> listener;
  private final LinkedHashMap<String, Outgoing> queue = new LinkedHashMap<>();
  private final ArrayDeque<Outgoing> delivered = new ArrayDeque<>();
  private final List<LiveMessage> beforeSnapshot = new ArrayList<>();
  private String organizationId;
  private Set<String> campaignIds;
  private long generation;
  private boolean awaitingSnapshot;
  private boolean snapshotRetry;
  private String snapshotNote;
  private long snapshotId;
  private long lastDeliveredId = -1;
  private long deliveredCount;
  private long conflated;
  private long dropped;
  private long uniqueKeys;
  private ActorRef<Batch> waiting;
  private long waitingSince;
  private boolean streaming;
  private KillSwitch killSwitch;
  private long lastTaken;

  /**
   * {@code connectionBound}: a websocket's subscription, which ends with its connection (an SSE or
   * polling one outlives its streams until idle).
   */
  static Behavior<Command> create(String id, String organizationId, Set<String> campaignIds, LiveSettings settings,
      Hubs hubs, LiveStats stats, Clock clock, boolean connectionBound, Runnable whenStopped) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), java.time.Duration.ofSeconds(1));
      var subscription = new Subscription(ctx, id, settings, hubs, stats, clock, connectionBound, whenStopped);
      if (organizationId != null) subscription.follow(organizationId, campaignIds, null);
      return subscription;
    }));
  }

  private Subscription(ActorContext<Command> context, String id, LiveSettings settings, Hubs hubs, LiveStats stats,
      Clock clock, boolean connectionBound, Runnable whenStopped) {
    super(context);
    this.whenStopped = whenStopped;
    this.id = id;
    this.settings = settings;
    this.hubs = hubs;
    this.stats = stats;
    this.clock = clock;
    this.connectionBound = connectionBound;
    this.createdAt = Instant.ofEpochMilli(clock.millis());
    this.lastTaken = clock.millis();
    this.listener = context.messageAdapter(LiveBatch.class, Delivered::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Subscribe.class, m -> {
          follow(m.organizationId(), m.campaignIds(), null);
          return this;
        })
        .onMessage(Filter.class, m -> {
          if (organizationId != null) refilter(m.campaignIds(), null);
          return this;
        })
        .onMessage(Unsubscribe.class, m -> {
          leave();
          return this;
        })
        .onMessage(Delivered.class, this::onDelivered)
        .onMessage(SnapshotReady.class, this::onSnapshot)
        .onMessage(Poll.class, m -> {
          lastTaken = clock.millis();
          m.replyTo().tell(new Batch(drain(), false));
          return this;
        })
        .onMessage(Next.class, this::onNext)
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Switch.class, m -> {
          killSwitch = m.killSwitch();
          return this;
        })
        .onMessage(Detached.class, m -> {
          streaming = false;
          killSwitch = null;
          waiting = null;
          lastTaken = clock.millis();
          return connectionBound ? stop() : this;
        })
        .onMessage(Fail.class, m -> {
          enqueue(new Outgoing(null, "error", m.json()), "error:" + (++uniqueKeys));
          return this;
        })
        .onMessage(Tick.class, m -> onTick())
        .onMessage(GetInfo.class, m -> {
          m.replyTo().tell(new Info(id, organizationId, campaignIds, createdAt, queue.size(), deliveredCount, conflated,
              dropped, streaming));
          return this;
        })
        .onMessage(Stop.class, m -> stop())
        .build();
  }

  private void follow(String organizationId, Set<String> campaignIds, String note) {
    if (this.organizationId != null && !this.organizationId.equals(organizationId)) leave();
    if (this.organizationId == null) {
      this.organizationId = organizationId;
      hubs.topic(organizationId).tell(Topic.subscribe(listener));
      stats.following(organizationId, 1);
    }
    refilter(campaignIds, note);
  }

  /** A new filter, and a snapshot for it; what was queued for the old one goes. */
  private void refilter(Set<String> campaignIds, String note) {
    this.campaignIds = campaignIds == null ? null : Set.copyOf(campaignIds);
    clearQueue();
    awaitingSnapshot = true;
    beforeSnapshot.clear();
    askSnapshot(note);
  }

  private void askSnapshot(String note) {
    var asked = ++generation;
    snapshotNote = note;
    getContext().pipeToSelf(hubs.snapshot(organizationId, campaignIds, note),
        (snapshot, error) -> new SnapshotReady(error == null ? snapshot : null, asked));
  }

  private void leave() {
    if (organizationId == null) return;
    hubs.topic(organizationId).tell(Topic.unsubscribe(listener));
    stats.following(organizationId, -1);
    organizationId = null;
    campaignIds = null;
    awaitingSnapshot = false;
    beforeSnapshot.clear();
    clearQueue();
  }

  private Behavior<Command> onDelivered(Delivered delivered) {
    if (organizationId == null) return this;
    for (var message : delivered.batch().messages()) {
      if (awaitingSnapshot) {
        beforeSnapshot.add(message);
      } else {
        offer(message);
      }
    }
    return this;
  }

  private Behavior<Command> onSnapshot(SnapshotReady ready) {
    if (ready.generation() != generation || organizationId == null) return this;
    if (ready.snapshot() == null) {
      // the hub did not answer in time (its node is restarting): ask again at the next tick
      snapshotRetry = true;
      return this;
    }
    awaitingSnapshot = false;
    snapshotId = ready.snapshot().id();
    enqueue(new Outgoing(snapshotId, "snapshot", ready.snapshot().json()), "snapshot");
    for (var message : beforeSnapshot) offer(message);
    beforeSnapshot.clear();
    return this;
  }

  /** A topic message for this client, unless the snapshot holds it or the filter leaves it out. */
  private void offer(LiveMessage message) {
    if (message.id() <= snapshotId) return;
    if (campaignIds != null) {
      if (LiveMessage.DASHBOARD.equals(message.kind())) return;
      if (message.campaignId() != null && !campaignIds.contains(message.campaignId())) return;
    }
    enqueue(new Outgoing(message.id(), "update", message.json()), message.conflates() ? message.key() : "events:" + message.id());
  }

  private void enqueue(Outgoing item, String key) {
    if (queue.remove(key) != null) {
      conflated++;
      stats.conflated(1);
    } else {
      stats.queued(1);
    }
    queue.put(key, item);
    while (queue.size() > settings.queueSize()) {
      dropOne();
    }
    if (waiting != null) reply(waiting);
  }

  /** The oldest feed rows go first; then the oldest update; a snapshot stays. */
  private void dropOne() {
    String victim = null;
    for (var entry : queue.entrySet()) {
      if (entry.getKey().startsWith("events:")) {
        victim = entry.getKey();
        break;
      }
      if (victim == null && !entry.getKey().equals("snapshot")) victim = entry.getKey();
    }
    if (victim == null) return;
    queue.remove(victim);
    dropped++;
    stats.queued(-1);
    stats.dropped(1);
  }

  private Behavior<Command> onNext(Next next) {
    lastTaken = clock.millis();
    if (!queue.isEmpty()) {
      reply(next.replyTo());
    } else {
      waiting = next.replyTo();
      waitingSince = clock.millis();
    }
    return this;
  }

  private void reply(ActorRef<Batch> to) {
    waiting = null;
    to.tell(new Batch(drain(), false));
  }

  private List<Outgoing> drain() {
    var items = new ArrayList<>(queue.values());
    stats.queued(-queue.size());
    queue.clear();
    for (var item : items) {
      if (item.id() == null) continue;
      deliveredCount++;
      lastDeliveredId = item.id();
      // only an SSE client resumes (a websocket's subscription ends with its connection)
      if (!connectionBound && settings.resumeBuffer() > 0) {
        delivered.addLast(item);
        if (delivered.size() > settings.resumeBuffer()) delivered.removeFirst();
      }
    }
    return items;
  }

  private Behavior<Command> onAttach(Attach attach) {
    if (streaming && killSwitch != null) killSwitch.shutdown();
    streaming = true;
    waiting = null;
    lastTaken = clock.millis();
    var resumed = attach.lastEventId() != null && organizationId != null && resume(attach.lastEventId());
    if (attach.lastEventId() != null && !resumed && organizationId != null) {
      refilter(campaignIds, "the updates after " + attach.lastEventId() + " are no longer held: this is a fresh snapshot");
    }
    attach.replyTo().tell(new Attached(resumed));
    return this;
  }

  /** Puts back, ahead of what is queued, what was delivered after {@code lastEventId}, if all of it is still held. */
  private boolean resume(long lastEventId) {
    if (lastDeliveredId >= 0 && lastEventId >= lastDeliveredId) return true;
    if (delivered.isEmpty() || delivered.peekFirst().id() > lastEventId) return false;
    var missed = new ArrayList<Outgoing>();
    for (Iterator<Outgoing> it = delivered.descendingIterator(); it.hasNext(); ) {
      var item = it.next();
      if (item.id() <= lastEventId) break;
      missed.add(0, item);
    }
    var rest = new LinkedHashMap<>(queue);
    queue.clear();
    for (var item : missed) queue.put("resumed:" + item.id(), item);
    queue.putAll(rest);
    stats.queued(missed.size());
    return true;
  }

  private Behavior<Command> onTick() {
    var now = clock.millis();
    if (snapshotRetry && awaitingSnapshot && organizationId != null) {
      snapshotRetry = false;
      askSnapshot(snapshotNote);
    }
    if (waiting != null && now - waitingSince >= settings.heartbeat().toMillis()) {
      var heartbeat = "{\"type\":\"heartbeat\",\"at\":\"" + Instant.ofEpochMilli(now) + "\"}";
      waiting.tell(new Batch(List.of(new Outgoing(null, "heartbeat", heartbeat)), false));
      waiting = null;
    }
    if (streaming && waiting == null && !queue.isEmpty() && now - lastTaken >= settings.stuckTimeout().toMillis()) {
      getContext().getLog().info("Subscription {} of {}: the client took nothing for {}, disconnected", id, organizationId,
          settings.stuckTimeout());
      stats.disconnected(1);
      if (killSwitch != null) killSwitch.abort(new IllegalStateException("client took no update for " + settings.stuckTimeout()));
      streaming = false;
      killSwitch = null;
      if (connectionBound) return stop();
    }
    if (!streaming && now - lastTaken >= settings.idleTimeout().toMillis()) {
      getContext().getLog().debug("Subscription {} idle for {}, removed", id, settings.idleTimeout());
      return stop();
    }
    return this;
  }

  private void clearQueue() {
    stats.queued(-queue.size());
    queue.clear();
  }

  private Behavior<Command> stop() {
    leave();
    if (killSwitch != null) killSwitch.shutdown();
    if (waiting != null) waiting.tell(new Batch(List.of(), true));
    whenStopped.run();
    return Behaviors.stopped();
  }
}
