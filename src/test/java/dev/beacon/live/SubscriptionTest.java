package dev.beacon.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One client's subscription against a real topic and a hub whose snapshots the test hands out:
 * conflation by key, the bound (feed rows go first), nothing before the snapshot sent twice, the
 * campaign filter, heartbeats, a stream that takes nothing cut, an idle subscription removed, and
 * an SSE resume from {@code Last-Event-ID} (with a fresh snapshot when the gap is no longer held).
 */
class SubscriptionTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final AtomicInteger ORGS = new AtomicInteger();
  private static final Set<String> stopped = ConcurrentHashMap.newKeySet();

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  private static LiveSettings settings(int queueSize, Duration stuck, Duration idle, int resumeBuffer) {
    return new LiveSettings(queueSize, Duration.ofSeconds(1), stuck, idle, resumeBuffer, Duration.ofMillis(10),
        Duration.ofMillis(10), Duration.ofMillis(1), 100, 0, List.of());
  }

  /** A hub stand-in: the organisation's real topic, and snapshots the test completes (numbered as it says). */
  private static final class Hub implements Subscription.Hubs {
    final String org = "org-" + ORGS.incrementAndGet();
    final ActorRef<Topic.Command<LiveBatch>> topic = testKit.spawn(Topic.create(LiveBatch.class, "live-" + org));
    final List<CompletableFuture<LiveHub.Snapshot>> asked = new ArrayList<>();
    final ConcurrentHashMap<Integer, String> notes = new ConcurrentHashMap<>();

    @Override
    public ActorRef<Topic.Command<LiveBatch>> topic(String organizationId) {
      return topic;
    }

    @Override
    public synchronized CompletionStage<LiveHub.Snapshot> snapshot(String organizationId, Set<String> campaignIds, String note) {
      var future = new CompletableFuture<LiveHub.Snapshot>();
      if (note != null) notes.put(asked.size(), note);
      asked.add(future);
      return future;
    }

    synchronized void answer(int index, long id) {
      asked.get(index).complete(new LiveHub.Snapshot(id, "{\"type\":\"snapshot\",\"id\":" + id + "}"));
    }

    synchronized int askedCount() {
      return asked.size();
    }

    void publish(long id, String kind, String key, String campaignId) {
      topic.tell(Topic.publish(LiveBatch.of("\"" + org + "\"", List.of(message(id, kind, key, campaignId)))));
    }

    /** Several messages in one batch, as a hub's flush publishes them. */
    void publish(LiveMessage... messages) {
      topic.tell(Topic.publish(LiveBatch.of("\"" + org + "\"", List.of(messages))));
    }

    /** Waits until the topic has {@code count} subscribers (a subscription joins it asynchronously). */
    void awaitSubscribers(int count) {
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
        var probe = testKit.<Topic.TopicStats>createTestProbe();
        topic.tell(Topic.getTopicStats(probe.ref()));
        return probe.receiveMessage().localSubscriberCount() >= count;
      });
    }
  }

  /** A message whose JSON piece names its id, in the shape of its kind (feed rows are an array). */
  private static LiveMessage message(long id, String kind, String key, String campaignId) {
    var json = switch (kind) {
      case LiveMessage.EVENTS -> "[{\"row\":" + id + "}]";
      case LiveMessage.ATTRIBUTION -> "{\"attribution\":" + id + ",\"timeseries\":" + id + "}";
      default -> "{\"id\":" + id + ",\"campaignId\":" + (campaignId == null ? "null" : "\"" + campaignId + "\"") + "}";
    };
    return new LiveMessage(id, kind, key, campaignId, json);
  }

  /** A subscription that listens and has its snapshot, numbered 0, from the hub. */
  private static ActorRef<Subscription.Command> following(Hub hub, Set<String> campaigns, LiveSettings settings, LiveStats stats) {
    var subscription = subscribe(hub, campaigns, settings, stats);
    hub.awaitSubscribers(1);
    Awaitility.await().until(() -> hub.askedCount() == 1);
    hub.answer(0, 0);
    return subscription;
  }

  private static ActorRef<Subscription.Command> subscribe(Hub hub, Set<String> campaigns, LiveSettings settings, LiveStats stats) {
    return testKit.spawn(Subscription.create("s-" + hub.org, hub.org, campaigns, settings, hub, stats, Clock.systemUTC(), false,
        () -> stopped.add("s-" + hub.org)));
  }

  private static List<Subscription.Outgoing> poll(ActorRef<Subscription.Command> subscription) {
    var probe = testKit.<Subscription.Batch>createTestProbe();
    subscription.tell(new Subscription.Poll(probe.ref()));
    return probe.receiveMessage().items();
  }

  /** Polls until items with {@code count} ids came, at most a few seconds (topic delivery is asynchronous). */
  private static List<Subscription.Outgoing> pollUntil(ActorRef<Subscription.Command> subscription, int count) {
    var items = new ArrayList<Subscription.Outgoing>();
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
      items.addAll(poll(subscription));
      return ids(items).size() >= count;
    });
    return items;
  }

  /** The ids of what went out: a snapshot's, and those of the messages each update frame carries. */
  private static List<Long> ids(List<Subscription.Outgoing> items) {
    return items.stream().flatMap(item -> item.isUpdate() ? item.messages().stream().map(LiveMessage::id)
        : java.util.stream.Stream.of(item.id())).toList();
  }

  @Test
  void aSlowClientGetsTheNewestMetricsOfEachCampaignOnce() {
    var hub = new Hub();
    var stats = new LiveStats();
    var subscription = following(hub, null, settings(100, Duration.ofMinutes(1), Duration.ofMinutes(5), 10), stats);
    for (long id = 1; id <= 10; id++) hub.publish(id, LiveMessage.CAMPAIGN, "campaign:c1", "c1");
    hub.publish(11, LiveMessage.CAMPAIGN, "campaign:c2", "c2");
    hub.publish(12, LiveMessage.CAMPAIGN, "campaign:c1", "c1");
    Awaitility.await().until(() -> stats.stats().queuedUpdates() == 12);

    var items = poll(subscription);
    assertThat(ids(items)).containsExactly(0L, 11L, 12L);
    assertThat(items.get(0).event()).isEqualTo("snapshot");
    assertThat(items).hasSize(2);
    assertThat(stats.stats().conflatedUpdates()).isEqualTo(10);
    assertThat(stats.stats().queuedUpdates()).isZero();
  }

  @Test
  void beyondTheBoundInOneFrameTheOldestFeedRowsGo() {
    var hub = new Hub();
    var stats = new LiveStats();
    var subscription = following(hub, null, settings(4, Duration.ofMinutes(1), Duration.ofMinutes(5), 10), stats);
    hub.publish(message(1, LiveMessage.DASHBOARD, "dashboard", null), message(2, LiveMessage.EVENTS, "events:2", null),
        message(3, LiveMessage.EVENTS, "events:3", null), message(4, LiveMessage.CAMPAIGN, "campaign:c1", "c1"),
        message(5, LiveMessage.EVENTS, "events:5", null), message(6, LiveMessage.EVENTS, "events:6", null));
    Awaitility.await().until(() -> stats.stats().queuedUpdates() == 1);

    assertThat(ids(poll(subscription))).containsExactly(0L, 1L, 4L, 5L, 6L);
    assertThat(stats.stats().droppedUpdates()).isEqualTo(2);
  }

  @Test
  void aClientMoreThanTheBoundBehindHasItsUpdatesDroppedAndGetsAFreshSnapshotThatSaysSo() {
    var hub = new Hub();
    var stats = new LiveStats();
    var subscription = following(hub, null, settings(4, Duration.ofMinutes(1), Duration.ofMinutes(5), 10), stats);
    for (long id = 1; id <= 7; id++) hub.publish(id, LiveMessage.CAMPAIGN, "campaign:c" + id, "c" + id);
    // the fifth batch was one too many: the five queued went, the two after them were not queued
    Awaitility.await().until(() -> stats.stats().droppedUpdates() == 5);
    assertThat(stats.stats().queuedUpdates()).isZero();

    assertThat(poll(subscription)).isEmpty();
    Awaitility.await().until(() -> hub.askedCount() == 2);
    assertThat(hub.notes.get(1)).isEqualTo("this client fell more than 4 updates behind: they were dropped, and this is a fresh snapshot");
    hub.answer(1, 7);
    hub.publish(8, LiveMessage.CAMPAIGN, "campaign:c1", "c1");
    assertThat(ids(pollUntil(subscription, 2))).containsExactly(7L, 8L);
  }

  @Test
  void whatTheTopicBroughtBeforeTheSnapshotIsSentOnlyWhenTheSnapshotDoesNotHoldIt() {
    var hub = new Hub();
    var subscription = subscribe(hub, null, settings(100, Duration.ofMinutes(1), Duration.ofMinutes(5), 10), new LiveStats());
    hub.awaitSubscribers(1);
    for (long id = 1; id <= 3; id++) hub.publish(id, LiveMessage.EVENTS, "events:" + id, null);
    // the hub numbers its snapshot as the last message it holds: 2; whether 1 to 3 reach the
    // subscription before or after it, what goes out is the same
    Awaitility.await().until(() -> hub.askedCount() == 1);
    hub.answer(0, 2);
    hub.publish(4, LiveMessage.EVENTS, "events:4", null);

    assertThat(ids(pollUntil(subscription, 3))).containsExactly(2L, 3L, 4L);
  }

  @Test
  void aFilteredSubscriptionGetsItsCampaignsAndNotTheOrganizationsTotals() {
    var hub = new Hub();
    var subscription = following(hub, Set.of("c1"), settings(100, Duration.ofMinutes(1), Duration.ofMinutes(5), 10),
        new LiveStats());
    hub.publish(1, LiveMessage.CAMPAIGN, "campaign:c2", "c2");
    hub.publish(2, LiveMessage.DASHBOARD, "dashboard", null);
    hub.publish(3, LiveMessage.CAMPAIGN, "campaign:c1", "c1");
    hub.publish(4, LiveMessage.EVENTS, "events:4", null);

    assertThat(ids(pollUntil(subscription, 3))).containsExactly(0L, 3L, 4L);
  }

  @Test
  void anIdleStreamGetsAHeartbeat() {
    var hub = new Hub();
    var subscription = subscribe(hub, null, settings(100, Duration.ofMinutes(1), Duration.ofMinutes(5), 10), new LiveStats());
    Awaitility.await().until(() -> hub.askedCount() == 1);
    hub.answer(0, 0);
    var probe = testKit.<Subscription.Batch>createTestProbe();
    subscription.tell(new Subscription.Next(probe.ref()));
    assertThat(ids(probe.receiveMessage().items())).containsExactly(0L);
    subscription.tell(new Subscription.Next(probe.ref()));
    probe.expectNoMessage(Duration.ofMillis(500));
    var heartbeat = probe.receiveMessage(Duration.ofSeconds(3)).items();
    assertThat(heartbeat).hasSize(1);
    assertThat(heartbeat.get(0).event()).isEqualTo("heartbeat");
    assertThat(heartbeat.get(0).json()).startsWith("{\"type\":\"heartbeat\",\"at\":\"");
  }

  @Test
  void aStreamThatTakesNothingWhileUpdatesWaitIsCut() {
    var hub = new Hub();
    var stats = new LiveStats();
    var subscription = subscribe(hub, null, settings(100, Duration.ofSeconds(1), Duration.ofMinutes(5), 10), stats);
    Awaitility.await().until(() -> hub.askedCount() == 1);
    var attached = testKit.<Subscription.Attached>createTestProbe();
    subscription.tell(new Subscription.Attach(null, attached.ref()));
    attached.receiveMessage();
    // a stream that never pulls: its kill switch is the subscription's to use
    var running = Source.maybe().viaMat(KillSwitches.single(), Keep.right()).toMat(Sink.ignore(), Keep.both())
        .run(testKit.system());
    subscription.tell(new Subscription.Switch(running.first()));
    hub.answer(0, 0);

    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> running.second().toCompletableFuture().isDone());
    assertThat(running.second().toCompletableFuture()).isCompletedExceptionally();
    assertThat(stats.stats().disconnectedClients()).isEqualTo(1);
  }

  @Test
  void aSubscriptionNobodyTakesFromIsRemoved() {
    var hub = new Hub();
    var stats = new LiveStats();
    var subscription = subscribe(hub, null, settings(100, Duration.ofSeconds(1), Duration.ofSeconds(1), 10), stats);
    hub.awaitSubscribers(1);
    assertThat(stats.stats().subscriptionsPerOrganization()).containsEntry(hub.org, 1);
    testKit.createTestProbe().expectTerminated(subscription, Duration.ofSeconds(5));
    assertThat(stopped).contains("s-" + hub.org);
    assertThat(stats.stats().subscriptionsPerOrganization()).doesNotContainKey(hub.org);
  }

  @Test
  void anSseClientResumesFromItsLastEventIdWhileTheGapIsHeldElseGetsAFreshSnapshotThatSaysSo() {
    var hub = new Hub();
    var subscription = following(hub, null, settings(100, Duration.ofMinutes(1), Duration.ofMinutes(5), 3), new LiveStats());
    for (long id = 1; id <= 4; id++) hub.publish(id, LiveMessage.EVENTS, "events:" + id, null);
    // delivered (to a connection that then died): 0 1 2 3 4; the last 3 are held
    assertThat(ids(pollUntil(subscription, 5))).containsExactly(0L, 1L, 2L, 3L, 4L);

    var attached = testKit.<Subscription.Attached>createTestProbe();
    subscription.tell(new Subscription.Attach(2L, attached.ref()));
    assertThat(attached.receiveMessage().resumed()).isTrue();
    assertThat(ids(poll(subscription))).containsExactly(3L, 4L);

    subscription.tell(new Subscription.Attach(0L, attached.ref()));
    assertThat(attached.receiveMessage().resumed()).isFalse();
    Awaitility.await().until(() -> hub.askedCount() == 2);
    assertThat(hub.notes.get(1)).isEqualTo("the updates after 0 are no longer held: this is a fresh snapshot");
    hub.answer(1, 4);
    assertThat(ids(pollUntil(subscription, 1))).containsExactly(4L);
  }

  @Test
  void aClientThatKeepsUpGetsEachBatchAsTheOneFrameTheHubRenderedAndAFilteredOneItsOwn() throws Exception {
    var hub = new Hub();
    var all = subscribe(hub, null, settings(100, Duration.ofMinutes(1), Duration.ofMinutes(5), 10), new LiveStats());
    var filtered = testKit.spawn(Subscription.create("f-" + hub.org, hub.org, Set.of("c2"),
        settings(100, Duration.ofMinutes(1), Duration.ofMinutes(5), 10), hub, new LiveStats(), Clock.systemUTC(), false, () -> {}));
    hub.awaitSubscribers(2);
    Awaitility.await().until(() -> hub.askedCount() == 2);
    hub.answer(0, 0);
    hub.answer(1, 0);
    var allFrames = testKit.<Subscription.Batch>createTestProbe();
    var filteredFrames = testKit.<Subscription.Batch>createTestProbe();
    all.tell(new Subscription.Next(allFrames.ref()));
    filtered.tell(new Subscription.Next(filteredFrames.ref()));
    assertThat(allFrames.receiveMessage().items().get(0).event()).isEqualTo("snapshot");
    assertThat(filteredFrames.receiveMessage().items().get(0).event()).isEqualTo("snapshot");
    all.tell(new Subscription.Next(allFrames.ref()));
    filtered.tell(new Subscription.Next(filteredFrames.ref()));

    var batch = List.of(message(1, LiveMessage.CAMPAIGN, "campaign:c1", "c1"), message(2, LiveMessage.CAMPAIGN, "campaign:c2", "c2"),
        message(3, LiveMessage.DASHBOARD, "dashboard", null), message(4, LiveMessage.EVENTS, "events:4", null));
    hub.publish(batch.toArray(LiveMessage[]::new));

    var frame = allFrames.receiveMessage().items();
    assertThat(frame).hasSize(1);
    assertThat(frame.get(0).json()).isEqualTo(LiveMessage.frame("\"" + hub.org + "\"", batch));
    assertThat(frame.get(0).id()).isEqualTo(4L);
    var json = dev.beacon.common.Json.MAPPER.readTree(frame.get(0).json());
    assertThat(json.get("campaigns")).hasSize(2);
    assertThat(json.get("events").get(0).get("row").asLong()).isEqualTo(4);

    var own = filteredFrames.receiveMessage().items();
    assertThat(ids(own)).containsExactly(2L, 4L);
    var ownJson = dev.beacon.common.Json.MAPPER.readTree(own.get(0).json());
    assertThat(ownJson.get("campaigns")).hasSize(1);
    assertThat(ownJson.get("campaigns").get(0).get("campaignId").asText()).isEqualTo("c2");
    assertThat(ownJson.has("dashboard")).isFalse();
  }

  @Test
  void theEndOfAStreamAnotherTookOverFromDoesNotStopTheNewOne() {
    var hub = new Hub();
    var subscription = following(hub, null, settings(100, Duration.ofMinutes(1), Duration.ofMinutes(5), 10), new LiveStats());
    var attached = testKit.<Subscription.Attached>createTestProbe();
    var old = KillSwitches.shared("old");
    subscription.tell(new Subscription.Attach(null, attached.ref()));
    attached.receiveMessage();
    subscription.tell(new Subscription.Switch(old));
    // a reconnect: the new stream takes over, then the old one's end is heard
    var current = KillSwitches.shared("new");
    subscription.tell(new Subscription.Attach(null, attached.ref()));
    attached.receiveMessage();
    subscription.tell(new Subscription.Switch(current));
    var frames = testKit.<Subscription.Batch>createTestProbe();
    subscription.tell(new Subscription.Next(frames.ref()));
    assertThat(ids(frames.receiveMessage().items())).containsExactly(0L);
    subscription.tell(new Subscription.Next(frames.ref()));
    subscription.tell(new Subscription.Detached(old));
    hub.publish(1, LiveMessage.CAMPAIGN, "campaign:c1", "c1");

    assertThat(ids(frames.receiveMessage(Duration.ofSeconds(5)).items())).containsExactly(1L);
  }

  @Test
  void theNodesFrameBudgetSpacesAClientsFramesAndGathersWhatCameBetween() {
    var hub = new Hub();
    // one frame a second for the node, and this the one subscription on it
    var budget = new LiveSettings(100, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(5), 10,
        Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(1), 100, 1, List.of());
    var subscription = following(hub, null, budget, new LiveStats());
    var frames = testKit.<Subscription.Batch>createTestProbe();
    subscription.tell(new Subscription.Next(frames.ref()));
    assertThat(ids(frames.receiveMessage().items())).containsExactly(0L);
    subscription.tell(new Subscription.Next(frames.ref()));
    hub.publish(1, LiveMessage.CAMPAIGN, "campaign:c1", "c1");
    hub.publish(2, LiveMessage.CAMPAIGN, "campaign:c2", "c2");

    frames.expectNoMessage(Duration.ofMillis(500));
    var gathered = frames.receiveMessage(Duration.ofSeconds(3)).items();
    assertThat(gathered).hasSize(1);
    assertThat(ids(gathered)).containsExactly(1L, 2L);
  }
}
