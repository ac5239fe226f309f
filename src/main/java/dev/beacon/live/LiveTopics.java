package dev.beacon.live;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's pub-sub topic of each organisation ({@code beacon-live-<org>}): Pekko's typed
 * {@link Topic}, which reaches the subscribers on every node of the cluster. One topic actor per
 * organisation per node, made when first needed; an organisation's hub publishes on it and its
 * dashboard clients' subscriptions listen on it.
 */
final class LiveTopics {
  private final ActorSystem<?> system;
  private final ConcurrentHashMap<String, ActorRef<Topic.Command<LiveBatch>>> topics = new ConcurrentHashMap<>();

  LiveTopics(ActorSystem<?> system) {
    this.system = system;
  }

  ActorRef<Topic.Command<LiveBatch>> of(String organizationId) {
    return topics.computeIfAbsent(organizationId, org -> system.systemActorOf(
        Topic.create(LiveBatch.class, "beacon-live-" + org), "live-topic-" + encode(org), Props.empty()));
  }

  /** Organisation ids match [A-Za-z0-9._-]; actor names take those too, but not a leading '$'. */
  private static String encode(String organizationId) {
    return organizationId.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
