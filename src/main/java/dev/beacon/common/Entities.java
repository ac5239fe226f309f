package dev.beacon.common;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * What every sharded entity of Beacon is built with: its persistence id, its restart after a
 * failure, its registration with sharding, its type and id on every log line it writes (MDC
 * {@code entityType}, {@code entityId}), and the {@code organisation|id} form of the entity ids
 * of everything an organisation owns.
 */
public final class Entities {
  private Entities() {}

  /**
   * A restart after a failure (a journal write, a recovery) waits 200 ms, doubling up to 10 s,
   * with 20% jitter, so a journal that is down is not hammered by every entity at once.
   */
  public static BackoffSupervisorStrategy restartWithBackoff() {
    return SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);
  }

  /** The persistence id: the entity type's name and the entity id, so the journal tells types apart. */
  public static PersistenceId persistenceId(EntityTypeKey<?> type, String entityId) {
    return PersistenceId.ofUniqueId(type.name() + "|" + entityId);
  }

  /**
   * Registers an entity type with sharding; passivation sends {@code stopMessage}, which the entity
   * answers by stopping. The MDC is set around every message the entity takes, its recovery's too.
   */
  public static <C> void init(ActorSystem<?> system, EntityTypeKey<C> type, Function<String, Behavior<C>> create,
      C stopMessage) {
    init(system, type, create, stopMessage, UnaryOperator.identity());
  }

  /** As {@link #init(ActorSystem, EntityTypeKey, Function, Object)}, with the shards chosen and placed by {@code placement}. */
  public static <C> void init(ActorSystem<?> system, EntityTypeKey<C> type, Function<String, Behavior<C>> create,
      C stopMessage, UnaryOperator<Entity<C, ShardingEnvelope<C>>> placement) {
    @SuppressWarnings("unchecked")
    var everyMessage = (Class<C>) (Class<?>) Object.class;
    ClusterSharding.get(system).init(placement.apply(Entity.of(type, ctx -> Behaviors.withMdc(everyMessage,
        Map.of("entityType", type.name(), "entityId", ctx.getEntityId()), create.apply(ctx.getEntityId())))
        .withStopMessage(stopMessage)));
  }

  /** The entity id of something an organisation owns. Organisation ids never contain '|'. */
  public static String organizationScoped(String organizationId, String localId) {
    return organizationId + "|" + localId;
  }

  /** The organisation of an {@link #organizationScoped} entity id (the whole id when it has no '|'). */
  public static String organizationOf(String entityId) {
    var bar = entityId.indexOf('|');
    return bar < 0 ? entityId : entityId.substring(0, bar);
  }

  /** The part of an {@link #organizationScoped} entity id after the organisation. */
  public static String localIdOf(String entityId) {
    return entityId.substring(entityId.indexOf('|') + 1);
  }
}
