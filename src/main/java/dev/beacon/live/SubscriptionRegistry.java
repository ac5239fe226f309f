package dev.beacon.live;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;

/**
 * Makes this node's subscriptions: over HTTP, kept here by id (SSE and polling clients find
 * theirs), or bound to a websocket connection (found by nothing but its connection).
 */
final class SubscriptionRegistry {
  /** A subscription made over HTTP, and the organisation it follows (whose read scope it takes). */
  record Entry(ActorRef<Subscription.Command> ref, String organizationId) {}

  record Made(String id, ActorRef<Subscription.Command> ref) {}

  /** How a subscription is made, given its id and what to run when it stops. */
  interface Factory {
    Behavior<Subscription.Command> create(String id, String organizationId, Set<String> campaignIds, boolean connectionBound,
        Runnable whenStopped);
  }

  private final ActorSystem<?> system;
  private final Factory factory;
  private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();

  SubscriptionRegistry(ActorSystem<?> system, Factory factory) {
    this.system = system;
    this.factory = factory;
  }

  Made make(String organizationId, Set<String> campaignIds, boolean connectionBound) {
    var id = UUID.randomUUID().toString();
    var ref = system.systemActorOf(factory.create(id, organizationId, campaignIds, connectionBound, () -> byId.remove(id)),
        "live-subscription-" + id, Props.empty());
    if (!connectionBound) byId.put(id, new Entry(ref, organizationId));
    return new Made(id, ref);
  }

  Entry find(String id) {
    return byId.get(id);
  }

  void remove(String id) {
    byId.remove(id);
  }
}
