package dev.beacon.live;

import dev.beacon.campaign.CampaignQueries;
import dev.beacon.common.LiveBus;
import dev.beacon.journey.AttributionAnswers;
import dev.beacon.privacy.Forgotten;
import dev.beacon.privacy.UserForgetting;
import dev.beacon.security.Access;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Live dashboards plugged into a server: the bus that entities and the read side publish on
 * (each update to its organisation's {@link LiveHub}), the hubs, the subscriptions of this node's
 * clients and their routes (subscribe, SSE and polling updates, the websocket, stats).
 */
public final class LiveFeature {
  /** How long a subscription waits for its hub's snapshot before it asks again. */
  private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(5);
  private final Route routes;

  private LiveFeature(Route routes) {
    this.routes = routes;
  }

  /**
   * The bus, before the features that publish on it start: each update goes to its organisation's
   * hub (made by {@link #start}, before any batch runs).
   */
  public static LiveBus bus(ActorSystem<?> system) {
    var sharding = ClusterSharding.get(system);
    return update -> sharding.entityRefFor(LiveHub.ENTITY_TYPE_KEY, update.organizationId()).tell(new LiveHub.Publish(update));
  }

  public static LiveFeature start(ActorSystem<?> system, LiveSettings settings, CampaignQueries campaigns,
      AttributionAnswers answers, Access access, Pattern organizationIdPattern, MeterRegistry registry, Clock clock) {
    var topics = new LiveTopics(system);
    var blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    LiveHub.init(system, settings, campaigns, answers, blocking, topics, clock);
    var stats = new LiveStats();
    stats.bindTo(registry);
    var sharding = ClusterSharding.get(system);
    var hubs = new Subscription.Hubs() {
      @Override
      public ActorRef<Topic.Command<LiveBatch>> topic(String organizationId) {
        return topics.of(organizationId);
      }

      @Override
      public CompletionStage<LiveHub.Snapshot> snapshot(String organizationId, Set<String> campaignIds, String note) {
        return sharding.entityRefFor(LiveHub.ENTITY_TYPE_KEY, organizationId)
            .ask(replyTo -> new LiveHub.GetSnapshot(campaignIds, note, replyTo), SNAPSHOT_TIMEOUT);
      }
    };
    var subscriptions = new SubscriptionRegistry(system, (id, organizationId, campaignIds, connectionBound, whenStopped) ->
        Subscription.create(id, organizationId, campaignIds, settings, hubs, stats, clock, connectionBound, whenStopped));
    return new LiveFeature(new LiveRoutes(system, settings, subscriptions, stats, access, organizationIdPattern,
        (org, limit) -> sharding.entityRefFor(LiveHub.ENTITY_TYPE_KEY, org)
            .ask(replyTo -> new LiveHub.GetFeed(limit, replyTo), SNAPSHOT_TIMEOUT), clock).routes());
  }

  public Route routes() {
    return routes;
  }

  /** An erasure's part: the user's rows leave the organisation's live feed (the hub keeps no journal). */
  public static UserForgetting feedForgetting(ActorSystem<?> system) {
    var sharding = ClusterSharding.get(system);
    return UserForgetting.of("live feed", (organizationId, userId, requestedAt) ->
        sharding.entityRefFor(LiveHub.ENTITY_TYPE_KEY, organizationId)
            .<LiveHub.FeedRowsForgotten>ask(replyTo -> new LiveHub.ForgetUser(userId, replyTo), SNAPSHOT_TIMEOUT)
            .thenApply(forgotten -> List.<Forgotten>of()));
  }
}
