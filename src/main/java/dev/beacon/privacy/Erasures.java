package dev.beacon.privacy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through the erasure requests, one at a time, on one node of the cluster (a cluster
 * singleton): asks each part that holds users' data to forget the user ({@link UserForgetting}),
 * then cuts each journal that named them below the snapshot taken after ({@link JournalCompaction},
 * once the read side has read past those rows), then completes the request, which clears its user
 * id. A request that fails is tried again at the next look, from the start: each step can be done
 * twice. It looks at the pending requests every {@code interval}, and at once when told one came.
 * Nothing it logs names the user: only the request's id.
 */
public final class Erasures {
  private static final Logger log = LoggerFactory.getLogger(Erasures.class);

  /** Look at the pending requests now (a new one came, or the interval passed). */
  public enum Look { NOW }

  /** Enforce the organisations' retention (its interval passed). */
  private enum Retain { NOW }

  private enum Finished { ONE }

  private final ErasureStore store;
  private final List<UserForgetting> parts;
  private final JournalCompaction compaction;
  private final Executor blocking;
  private final Clock clock;
  private final Duration readSideWait;
  private final Retention retention;

  private Erasures(ErasureStore store, List<UserForgetting> parts, JournalCompaction compaction, Executor blocking,
      Clock clock, Duration readSideWait, Retention retention) {
    this.retention = retention;
    this.store = store;
    this.parts = List.copyOf(parts);
    this.compaction = compaction;
    this.blocking = blocking;
    this.clock = clock;
    this.readSideWait = readSideWait;
  }

  /** Starts the singleton (or its proxy, on the other nodes); tell it {@link Look#NOW} after recording a request. */
  public static ActorRef<Object> start(ActorSystem<?> system, ErasureStore store, List<UserForgetting> parts,
      JournalCompaction compaction, Retention retention, Executor blocking, Clock clock, PrivacySettings settings) {
    var erasures = new Erasures(store, parts, compaction, blocking, clock, settings.readSideWait(), retention);
    Behavior<Object> behavior = Behaviors.supervise(erasures.idle(settings.erasureInterval(), settings.retentionInterval()))
        .onFailure(SupervisorStrategy.restart());
    return ClusterSingleton.get(system).init(SingletonActor.of(behavior, "erasures"));
  }

  private Behavior<Object> idle(Duration interval, Duration retentionInterval) {
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Look.NOW, interval);
      timers.startTimerWithFixedDelay(Retain.NOW, Retain.NOW, Duration.ofSeconds(5), retentionInterval);
      return Behaviors.setup(ctx -> {
        ctx.getSelf().tell(Look.NOW);
        return waiting(ctx.getSelf());
      });
    });
  }

  /** Nothing under way: a look starts the next pending request, if any; retention runs when due. */
  private Behavior<Object> waiting(ActorRef<Object> self) {
    return Behaviors.receiveMessage(message -> {
      if (message == Retain.NOW) {
        CompletableFuture.runAsync(() -> {
          try {
            retention.enforce();
          } catch (java.sql.SQLException e) {
            throw new CompletionException(e);
          }
        }, blocking).whenComplete((any, error) -> {
          if (error != null) log.warn("Retention could not run: {}", error.toString());
          self.tell(Finished.ONE);
        });
        return working(self, false, false);
      }
      if (message != Look.NOW) return Behaviors.same();
      next().whenComplete((any, error) -> {
        if (error != null) log.warn("Erasures: could not read the pending requests: {}", error.toString());
        self.tell(Finished.ONE);
      });
      return working(self, false, false);
    });
  }

  /**
   * One request (or the retention) under way; a look or a retention due meanwhile is kept for when
   * it ends (a new request may have come).
   */
  private Behavior<Object> working(ActorRef<Object> self, boolean lookAgain, boolean retainAgain) {
    return Behaviors.receiveMessage(message -> {
      if (message == Look.NOW) return working(self, true, retainAgain);
      if (message == Retain.NOW) return working(self, lookAgain, true);
      if (retainAgain) self.tell(Retain.NOW);
      if (lookAgain) self.tell(Look.NOW);
      return waiting(self);
    });
  }

  /** The oldest pending request, erased; then, if there was one, the next at once. */
  private CompletionStage<Void> next() {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return store.pending();
      } catch (java.sql.SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking).thenCompose(pending -> {
      if (pending.isEmpty()) return CompletableFuture.completedFuture(null);
      return erase(pending.get(0)).thenCompose(done -> next());
    });
  }

  /** Erases one request; a failure is recorded on the request (without the user) and left for the next look. */
  CompletionStage<Void> erase(ErasureStore.Erasure erasure) {
    var started = System.nanoTime();
    var progress = new ArrayList<String>();
    CompletionStage<List<Forgotten>> forgotten = CompletableFuture.completedFuture(List.of());
    for (var part : parts) {
      if (part.afterJournals()) continue;
      forgotten = forgotten.thenCompose(before -> part.forget(erasure.organizationId(), erasure.userId(), erasure.requestedAt())
          .thenApply(now -> {
            progress.add(part.name() + ": forgotten" + (now.isEmpty() ? "" : " in " + now.size() + " journal(s)"));
            blockingly(() -> store.progressed(erasure.id(), progress));
            var all = new ArrayList<>(before);
            all.addAll(now);
            return all;
          }));
    }
    return forgotten.thenComposeAsync(entities -> {
      var rows = 0;
      var snapshots = 0;
      for (var entity : entities) {
        var compacted = compactWhenRead(entity);
        rows += compacted.journalRows();
        snapshots += compacted.snapshots();
      }
      progress.add("journals: " + rows + " row(s) and " + snapshots + " snapshot(s) deleted below the snapshots without the user");
      for (var part : parts) {
        if (!part.afterJournals()) continue;
        part.forget(erasure.organizationId(), erasure.userId(), erasure.requestedAt()).toCompletableFuture().join();
        progress.add(part.name() + ": forgotten");
      }
      blockingly(() -> store.completed(erasure.id(), progress, clock.instant()));
      log.info("Erasure {} of organisation {} done in {} ms: {}", erasure.id(), erasure.organizationId(),
          (System.nanoTime() - started) / 1_000_000, progress);
      return CompletableFuture.<Void>completedFuture(null);
    }, blocking).exceptionally(error -> {
      var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      log.warn("Erasure {} of organisation {} not done yet, tried again at the next look: {}", erasure.id(),
          erasure.organizationId(), cause.toString());
      blockingly(() -> store.attempted(erasure.id(), cause.toString()));
      return null;
    });
  }

  /** Compacts one entity's journal, waiting (up to the read-side wait) for the projections that read it to pass its rows. */
  private JournalCompaction.Compacted compactWhenRead(Forgotten entity) {
    var until = System.nanoTime() + readSideWait.toNanos();
    while (true) {
      var compacted = blockingly(() -> compaction.compact(entity));
      if (compacted.done()) return compacted;
      if (System.nanoTime() > until) {
        throw new IllegalStateException("the read side has not read " + entity.persistenceId() + " far enough: "
            + compacted.waitingFor());
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the read side", e);
      }
    }
  }

  @FunctionalInterface
  private interface SqlStep {
    void run() throws java.sql.SQLException;
  }

  private static <T> T blockingly(dev.beacon.common.Sql.Work<T> sql) {
    try {
      return sql.run();
    } catch (java.sql.SQLException e) {
      throw new CompletionException(e);
    }
  }

  private static void blockingly(SqlStep sql) {
    blockingly(() -> {
      sql.run();
      return null;
    });
  }
}
