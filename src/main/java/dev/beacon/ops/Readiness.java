package dev.beacon.ops;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node serves: what {@code /ready} on the management port says besides cluster
 * membership ({@link Check}, registered in application.conf). False until the HTTP API is bound,
 * and false again first thing on shutdown, {@code unready-wait} before HTTP unbinds, so that load
 * balancers that ask {@code /ready} stop sending while the node still answers.
 */
public final class Readiness implements Extension {
  private static final Logger log = LoggerFactory.getLogger(Readiness.class);
  private static final ExtensionId<Readiness> ID = new ExtensionId<>() {
    @Override
    public Readiness createExtension(ActorSystem<?> system) {
      return new Readiness();
    }
  };
  private final AtomicBoolean serving = new AtomicBoolean();

  private Readiness() {}

  public static Readiness get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /**
   * The node serves from now on; on shutdown (phase before-service-unbind) it stops saying so, and
   * the phase waits {@code unreadyWait} before HTTP unbinds.
   */
  public void serving(ActorSystem<?> system, Duration unreadyWait) {
    serving.set(true);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "ready-false", () -> {
      serving.set(false);
      log.info("Not ready from now on (/ready fails); HTTP unbinds in {} ms", unreadyWait.toMillis());
      return Patterns.after(unreadyWait, system.classicSystem().scheduler(), system.executionContext(),
          () -> CompletableFuture.completedFuture(Done.getInstance()));
    });
  }

  /** The readiness check {@code pekko.management.health-checks.readiness-checks.beacon-serving}. */
  public static final class Check implements Supplier<CompletionStage<Boolean>> {
    private final Readiness readiness;

    public Check(org.apache.pekko.actor.ActorSystem system) {
      this.readiness = Readiness.get(Adapter.toTyped(system));
    }

    @Override
    public CompletionStage<Boolean> get() {
      return CompletableFuture.completedFuture(readiness.serving.get());
    }
  }
}
