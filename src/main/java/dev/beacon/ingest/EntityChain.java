package dev.beacon.ingest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keeps each entity's commands in batch order while several batches are in flight: a command
 * to an entity is sent only after that entity acknowledged the command before it, and never if
 * that one failed. So what an entity has applied is always a prefix of its records, which is
 * what lets "highest offset applied per partition" recognise redelivery exactly.
 * Slots must be taken in batch order (the stream calls {@link BatchProcessor#process} in order).
 */
public final class EntityChain {
  private static final CompletableFuture<Object> DONE = CompletableFuture.completedFuture(null);
  private final ConcurrentHashMap<String, CompletableFuture<?>> last = new ConcurrentHashMap<>();

  /**
   * Takes the next slot of {@code entityId}; once the previous command to it succeeded and
   * {@code ready} completed, runs {@code command} with ready's value.
   */
  public <R, T> CompletableFuture<T> next(String entityId, CompletionStage<R> ready,
      java.util.function.Function<R, CompletionStage<T>> command) {
    var result = new CompletableFuture<T>();
    CompletableFuture<?> previous = last.put(entityId, result);
    var before = previous == null ? DONE : previous;
    before.thenCombine(ready, (p, r) -> r).whenComplete((r, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
        return;
      }
      command.apply(r).whenComplete((value, failure) -> {
        if (failure != null) result.completeExceptionally(failure);
        else result.complete(value);
      });
    });
    result.whenComplete((v, e) -> last.remove(entityId, result));
    return result;
  }

  public <T> CompletableFuture<T> next(String entityId, Supplier<CompletionStage<T>> command) {
    return next(entityId, DONE, ignored -> command.get());
  }

  /** Forgets every slot: a restarted stream begins again from the last commit. */
  public void reset() {
    last.clear();
  }
}
