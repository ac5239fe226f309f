package dev.beacon.bandit.model;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the interactions stream did since it started, counted as its batches complete: records
 * consumed, learned, logged (rewards of decisions too late to learn), redelivered (skipped) and
 * dead-lettered; micro-batches and model shares (one command and one event each) with their
 * largest sizes. On /metrics as {@code beacon_bandit_interactions_*}. Thread-safe.
 */
public final class InteractionStats {
  private final LongAdder consumed = new LongAdder();
  private final LongAdder learned = new LongAdder();
  private final LongAdder logged = new LongAdder();
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder shares = new LongAdder();
  private final LongAccumulator largestBatch = new LongAccumulator(Math::max, 0);
  private final LongAccumulator largestShare = new LongAccumulator(Math::max, 0);

  /** The counts at one moment. */
  public record Snapshot(long consumed, long learned, long logged, long redelivered, long deadLettered, long batches,
      long shares, long largestBatch, long largestShare) {}

  public Snapshot snapshot() {
    return new Snapshot(consumed.sum(), learned.sum(), logged.sum(), redelivered.sum(), deadLettered.sum(), batches.sum(),
        shares.sum(), largestBatch.get(), largestShare.get());
  }

  void bindTo(MeterRegistry registry) {
    counter(registry, "consumed", consumed, "records read from the interactions topic");
    counter(registry, "learned", learned, "records learned by their model");
    counter(registry, "logged", logged, "rewards of decisions logged and not learned (after their window)");
    counter(registry, "redelivered", redelivered, "records a model had taken before (skipped)");
    counter(registry, "dead.lettered", deadLettered, "records sent to the dead-letter topic");
    counter(registry, "batches", batches, "micro-batches committed");
    counter(registry, "shares", shares, "model shares of micro-batches (one command and at most one event each)");
  }

  private static void counter(MeterRegistry registry, String name, LongAdder adder, String description) {
    FunctionCounter.builder("beacon.bandit.interactions." + name, adder, LongAdder::sum).description(description).register(registry);
  }

  void share(int records, Interaction.Taken taken) {
    shares.increment();
    largestShare.accumulate(records);
    learned.add(taken.learned());
    logged.add(taken.logged());
    redelivered.add(taken.redelivered());
  }

  void deadLettered(int records) {
    deadLettered.add(records);
  }

  void batch(int records) {
    consumed.add(records);
    batches.increment();
    largestBatch.accumulate(records);
  }
}
