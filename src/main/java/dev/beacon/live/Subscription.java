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
 * queues what the client is to receive: the hub's batches, each one update, by reference (shared
 * by every client of the organisation on the node), at most {@code queue-size} of them. When the
 * client takes them they go out as one update frame, conflated by key (a campaign's newest
 * metrics, the newest totals and answers replace older ones) and filtered by its campaigns; a
 * client that keeps up gets the frame the hub rendered once for all. A client more than
 * {@code queue-size} updates behind has them dropped and gets a fresh snapshot when it next takes,
 * so a slow client gets fewer, fresher updates and costs no more memory than a fast one. The
 * client takes by polling ({@link Poll}) or by a stream (SSE or websocket) that asks for the next
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

  /** The stream cut by this switch ended (a stream that another took over from is no longer heard). */
  record Detached(KillSwitch killSwitch) implements Command {}

  record Stop() implements Command {}

  record Tick() implements Command {}

  /** An error for the client (a websocket request it cannot have). */
  record Fail(String json) implements Command {}

  record GetInfo(ActorRef<Info> replyTo) implements Command {}

  record Info(String id, String organizationId, Set<String> campaignIds, Instant createdAt, int queued, long delivered,
      long conflated, long dropped, boolean streaming) {}

  /**
   * What a client receives: SSE's event name and id (null for heartbeats and errors), the JSON
   * (null for an update still queued: rendered when it goes out, with the updates next to it),
   * and for an update the messages it carries.
   */
  record Outgoing(Long id, String event, String json, List<LiveMessage> messages) {
    Outgoing(Long id, String event, String json) {
      this(id, event, json, List.of());
    }

    static Outgoing update(LiveMessage message) {
      return new Outgoing(message.id(), "update", null, List.of(message));
    }

    boolean isUpdate() {
      return !messages.isEmpty();
    }
  }

  /** A delivery held for an SSE resume: an update's message, or the id of a snapshot (message null). */
  private record Held(long id, LiveMessage message) {}

  record Batch(List<Outgoing> items, boolean closed) {}

  /** How a subscription finds its organisation's hub and topic. */
  interface Hubs {
    ActorRef<Topic.Command<LiveBatch>> topic(String organizationId);

    CompletionStage<LiveHub.Snapshot> snapshot(String organizationId, Set<String> campaignIds, String note);
  }

  private static final int MAX_NOTICES = 10;
  private final String id;
  private final LiveSettings settings;
  private final Hubs hubs;
  private final Clock clock;
  private final LiveStats stats;
  private final boolean connectionBound;
  private final Runnable whenStopped;
  private final Instant createdAt;
  private final ActorRef<LiveBatch> listener;
  /** The batches queued for the client, by reference, oldest first; conflated when it takes them. */
  private final ArrayDeque<List<LiveMessage>> pending = new ArrayDeque<>();
  /** A snapshot the client has still to take, and errors for it. */
  private Outgoing snapshot;
  private final List<Outgoing> notices = new ArrayList<>();
  /** The client fell more than queue-size batches behind: a fresh snapshot when it next takes. */
  private boolean behind;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private final List<List<LiveMessage>> beforeSnapshot = new ArrayList<>();
  private String organizationId;
  private String quotedOrganizationId;
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
  private ActorRef<Batch> waiting;
  private long waitingSince;
  private boolean streaming;
  private KillSwitch killSwitch;
  private long lastTaken;
  private long lastFrameMillis;

  /**
   * {@code connectionBound}: a websocket's subscription, which ends with its connection (an SSE or
   * polling one outlives its streams until idle).
   */
  static Behavior<Command> create(String id, String organizationId, Set<String> campaignIds, LiveSettings settings,
      Hubs hubs, LiveStats stats, Clock clock, boolean connectionBound, Runnable whenStopped) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), tick(settings));
      var subscription = new Subscription(ctx, id, settings, hubs, stats, clock, connectionBound, whenStopped);
      if (organizationId != null) subscription.follow(organizationId, campaignIds, null);
      return subscription;
    }));
  }

  /**
   * How often a subscription looks at its clocks: a third of the shorter of the heartbeat and the
   * stuck timeout, at least a second (5 s by default: thousands of subscriptions ticking every
   * second cost the node thousands of timer messages a second).
   */
  static java.time.Duration tick(LiveSettings settings) {
    var shorter = settings.heartbeat().compareTo(settings.stuckTimeout()) < 0 ? settings.heartbeat() : settings.stuckTimeout();
    var third = shorter.dividedBy(3);
    return third.compareTo(java.time.Duration.ofSeconds(1)) < 0 ? java.time.Duration.ofSeconds(1) : third;
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
          if (m.killSwitch() != killSwitch) return this;
          streaming = false;
          killSwitch = null;
          waiting = null;
          lastTaken = clock.millis();
          return connectionBound ? stop() : this;
        })
        .onMessage(Fail.class, m -> {
          // a client's errors are its own requests': a few at most
          if (notices.size() < MAX_NOTICES) notices.add(new Outgoing(null, "error", m.json()));
          replyIfWaiting();
          return this;
        })
        .onMessage(Tick.class, m -> onTick())
        .onMessage(GetInfo.class, m -> {
          m.replyTo().tell(new Info(id, organizationId, campaignIds, createdAt, pending.size(), deliveredCount, conflated,
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
      this.quotedOrganizationId = quoted(organizationId);
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
    if (organizationId == null || behind) return this;
    var messages = delivered.batch().messages();
    if (messages.isEmpty()) return this;
    if (awaitingSnapshot) {
      beforeSnapshot.add(messages);
      return this;
    }
    if (waiting != null && !hasQueued() && campaignIds == null && messages.get(0).id() > snapshotId && frameDue()) {
      // a client of the whole organisation that keeps up: the frame the hub rendered for all of them
      var frame = new Outgoing(messages.get(messages.size() - 1).id(), "update", delivered.batch().frame(), messages);
      delivered(frame);
      lastFrameMillis = clock.millis();
      var to = waiting;
      waiting = null;
      to.tell(new Batch(List.of(frame), false));
      return this;
    }
    queue(messages);
    replyIfWaiting();
    return this;
  }

  /**
   * Queues a batch (by reference: the hub's batch is shared by every client of the organisation
   * on this node). Beyond {@code queue-size} batches the client is too far behind for its updates
   * to be worth sending: they are dropped, and it gets a fresh snapshot when it next takes.
   */
  private void queue(List<LiveMessage> messages) {
    pending.addLast(messages);
    stats.queued(1);
    if (pending.size() <= settings.queueSize()) return;
    dropped += pending.size();
    stats.dropped(pending.size());
    clearPending();
    behind = true;
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
    snapshot = new Outgoing(snapshotId, "snapshot", ready.snapshot().json());
    // what the topic brought meanwhile: the updates the snapshot does not hold go out after it
    for (var messages : beforeSnapshot) queue(messages);
    beforeSnapshot.clear();
    replyIfWaiting();
    return this;
  }

  private boolean hasQueued() {
    return snapshot != null || !notices.isEmpty() || !pending.isEmpty() || behind;
  }

  /**
   * A stream waiting for updates gets what is queued, if any of it is for this client: a snapshot
   * or an error at once, updates once the node's frame budget lets this client have the next
   * frame (else at the next batch or tick, gathering what came meanwhile).
   */
  private void replyIfWaiting() {
    if (waiting == null || !hasQueued()) return;
    if (snapshot == null && notices.isEmpty() && !behind && !frameDue()) return;
    var items = drain();
    if (items.isEmpty()) return;
    lastFrameMillis = clock.millis();
    var to = waiting;
    waiting = null;
    to.tell(new Batch(items, false));
  }

  private boolean frameDue() {
    return clock.millis() - lastFrameMillis >= settings.frameSpacingMillis(stats.active());
  }

  private Behavior<Command> onNext(Next next) {
    lastTaken = clock.millis();
    waiting = next.replyTo();
    waitingSince = clock.millis();
    replyIfWaiting();
    return this;
  }

  /**
   * What is queued, in order: the snapshot, notices, then the queued batches as one update frame,
   * conflated by key (a campaign's newest metrics, the newest totals and answers replace older
   * ones), without what the snapshot holds or the filter leaves out; beyond {@code queue-size}
   * updates in it the oldest feed rows go. A client too far behind first gets a fresh snapshot.
   */
  private List<Outgoing> drain() {
    if (behind) {
      behind = false;
      refilter(campaignIds, "this client fell more than " + settings.queueSize()
          + " updates behind: they were dropped, and this is a fresh snapshot");
      return List.of();
    }
    var items = new ArrayList<Outgoing>(2);
    if (snapshot != null) items.add(snapshot);
    snapshot = null;
    items.addAll(notices);
    notices.clear();
    var updates = conflate();
    if (!updates.isEmpty()) {
      items.add(new Outgoing(updates.get(updates.size() - 1).id(), "update",
          LiveMessage.frame(quotedOrganizationId, updates), updates));
    }
    for (var item : items) delivered(item);
    return items;
  }

  private List<LiveMessage> conflate() {
    if (pending.isEmpty()) return List.of();
    var byKey = new LinkedHashMap<String, LiveMessage>();
    var feedRows = 0;
    for (var messages : pending) {
      for (var message : messages) {
        if (message.id() <= snapshotId || !wanted(message)) continue;
        if (!message.conflates()) feedRows++;
        if (byKey.remove(message.key()) != null) {
          conflated++;
          stats.conflated(1);
        }
        byKey.put(message.key(), message);
      }
    }
    clearPending();
    var updates = new ArrayList<>(byKey.values());
    for (var it = updates.iterator(); it.hasNext() && updates.size() > settings.queueSize() && feedRows > 0; ) {
      if (!it.next().conflates()) {
        it.remove();
        feedRows--;
        dropped++;
        stats.dropped(1);
      }
    }
    return updates;
  }

  /** Whether the filter lets a message through: the chosen campaigns, and not the organisation's totals. */
  private boolean wanted(LiveMessage message) {
    if (campaignIds == null) return true;
    if (LiveMessage.DASHBOARD.equals(message.kind())) return false;
    return message.campaignId() == null || campaignIds.contains(message.campaignId());
  }

  /** Counts what goes out, and holds it for an SSE resume (a websocket's subscription ends with its connection). */
  private void delivered(Outgoing item) {
    if (item.id() == null) return;
    lastDeliveredId = item.id();
    var holds = !connectionBound && settings.resumeBuffer() > 0;
    if (!item.isUpdate()) {
      deliveredCount++;
      if (holds) hold(new Held(item.id(), null));
      return;
    }
    deliveredCount += item.messages().size();
    if (holds) for (var message : item.messages()) hold(new Held(message.id(), message));
  }

  private void hold(Held delivery) {
    held.addLast(delivery);
    if (held.size() > settings.resumeBuffer()) held.removeFirst();
  }

  private static String quoted(String text) {
    try {
      return dev.beacon.common.Json.MAPPER.writeValueAsString(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Behavior<Command> onAttach(Attach attach) {
    if (streaming && killSwitch != null) killSwitch.shutdown();
    // the stream taken over from: its end is no longer this subscription's concern
    killSwitch = null;
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
    if (held.isEmpty() || held.peekFirst().id() > lastEventId) return false;
    var missed = new ArrayList<LiveMessage>();
    for (Iterator<Held> it = held.descendingIterator(); it.hasNext(); ) {
      var delivery = it.next();
      if (delivery.id() <= lastEventId) break;
      if (delivery.message() != null) missed.add(0, delivery.message());
    }
    if (!missed.isEmpty()) {
      pending.addFirst(missed);
      stats.queued(1);
    }
    return true;
  }

  private Behavior<Command> onTick() {
    var now = clock.millis();
    // updates held back by the frame budget when no batch came since
    replyIfWaiting();
    if (snapshotRetry && awaitingSnapshot && organizationId != null) {
      snapshotRetry = false;
      askSnapshot(snapshotNote);
    }
    if (waiting != null && now - waitingSince >= settings.heartbeat().toMillis()) {
      var heartbeat = "{\"type\":\"heartbeat\",\"at\":\"" + Instant.ofEpochMilli(now) + "\"}";
      waiting.tell(new Batch(List.of(new Outgoing(null, "heartbeat", heartbeat)), false));
      waiting = null;
    }
    if (streaming && waiting == null && hasQueued() && now - lastTaken >= settings.stuckTimeout().toMillis()) {
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

  /** Forgets what is queued (a new filter, or leaving the organisation). */
  private void clearQueue() {
    clearPending();
    snapshot = null;
    behind = false;
  }

  private void clearPending() {
    stats.queued(-pending.size());
    pending.clear();
  }

  private Behavior<Command> stop() {
    leave();
    if (killSwitch != null) killSwitch.shutdown();
    if (waiting != null) waiting.tell(new Batch(List.of(), true));
    whenStopped.run();
    return Behaviors.stopped();
  }
}
