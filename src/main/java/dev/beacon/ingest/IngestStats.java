package dev.beacon.ingest;

import dev.beacon.common.RateMeter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live figures of the pipeline, shared by HTTP intake and the ingest stream: what was accepted,
 * rejected (by reason, at most {@value #MAX_REASONS} distinct reasons), deduplicated, applied,
 * the rate over the last minute, the last commit and the batch in flight. Also on /metrics.
 */
public final class IngestStats {
  static final int MAX_REASONS = 100;
  private final Clock clock;
  private final LongAdder accepted = new LongAdder();
  private final LongAdder consumed = new LongAdder();
  private final LongAdder applied = new LongAdder();
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder deduplicated = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final Map<String, LongAdder> rejectedByReason = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> tallies = new ConcurrentHashMap<>();
  private MeterRegistry registry;
  private final AtomicLong lastCommitMillis = new AtomicLong();
  private final AtomicLong inFlightBatch = new AtomicLong();
  private final LongAdder batches = new LongAdder();
  private final RateMeter consumedPerSecond = new RateMeter(60);
  private final LatencyHistogram latency = new LatencyHistogram();
  private final LatencyHistogram waited = new LatencyHistogram();
  private final LatencyHistogram applying = new LatencyHistogram();

  public IngestStats(Clock clock) {
    this.clock = clock;
  }

  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    tallies.forEach((name, adder) -> bindTally(name, adder));
    registry.more().counter("beacon.ingest.accepted", java.util.List.of(), accepted);
    registry.more().counter("beacon.ingest.consumed", java.util.List.of(), consumed);
    registry.more().counter("beacon.ingest.applied", java.util.List.of(), applied);
    registry.more().counter("beacon.ingest.redelivered", java.util.List.of(), redelivered);
    registry.more().counter("beacon.ingest.deduplicated", java.util.List.of(), deduplicated);
    registry.more().counter("beacon.ingest.dead.lettered", java.util.List.of(), deadLettered);
    registry.gauge("beacon.ingest.in.flight.batch", inFlightBatch);
    registry.more().counter("beacon.ingest.batches", java.util.List.of(), batches);
  }

  /** Counts the batch parts report by these names, from zero (the status shows each). */
  synchronized void tallies(Iterable<String> names) {
    for (var name : names) {
      if (tallies.containsKey(name)) continue;
      var adder = new LongAdder();
      tallies.put(name, adder);
      if (registry != null) bindTally(name, adder);
    }
  }

  private void bindTally(String name, LongAdder adder) {
    registry.more().counter("beacon.ingest.tally", java.util.List.of(io.micrometer.core.instrument.Tag.of("name", name)), adder);
  }

  /** Adds a completed batch's tallies; a name no part declared is counted too. */
  void tallied(Map<String, Long> counts) {
    counts.forEach((name, n) -> {
      var adder = tallies.get(name);
      if (adder == null) {
        tallies(java.util.List.of(name));
        adder = tallies.get(name);
      }
      adder.add(n);
    });
  }

  public void accepted(int n) {
    accepted.add(n);
  }

  public void rejected(Iterable<String> reasons) {
    for (var given : reasons) {
      // Quoted values and where in a document vary without bound; the reason without them is what is worth counting.
      var reason = given.replaceAll("'[^']*'", "'…'").replaceAll(" at line \\d+, column \\d+", "");
      var key = rejectedByReason.size() < MAX_REASONS || rejectedByReason.containsKey(reason) ? reason : "other";
      rejectedByReason.computeIfAbsent(key, k -> new LongAdder()).increment();
    }
  }

  /**
   * One completed batch: every record consumed got exactly one verdict, so consumed = applied +
   * redelivered + deduplicated + dead-lettered, summed over completed batches (a batch that
   * failed is counted when it completes after the restart).
   */
  void judged(int consumed, int applied, int redelivered, int duplicates, int deadLettered) {
    this.applied.add(applied);
    this.redelivered.add(redelivered);
    this.deduplicated.add(duplicates);
    this.deadLettered.add(deadLettered);
    consumed(consumed);
  }

  private void consumed(int n) {
    consumed.add(n);
    consumedPerSecond.record(clock.millis(), n);
  }

  /**
   * Event time → persisted, for each event of a batch that every entity acknowledged, and its two
   * parts: event time → its batch began (the producer, the broker, the batch window and a free
   * batch slot) and the batch's own time (every entity persisting its share).
   */
  void persisted(long eventMillis, long batchStartedMillis, long nowMillis) {
    latency.record(nowMillis - eventMillis);
    waited.record(batchStartedMillis - eventMillis);
    applying.record(nowMillis - batchStartedMillis);
  }

  public LatencyHistogram latency() {
    return latency;
  }

  /** Event time → the start of the batch that applied it. */
  public LatencyHistogram waited() {
    return waited;
  }

  /** Start of a batch → every entity persisted its share, once per event. */
  public LatencyHistogram applying() {
    return applying;
  }

  /** Starts the three latency histograms again. */
  public void resetLatency() {
    latency.reset();
    waited.reset();
    applying.reset();
  }

  void committed() {
    lastCommitMillis.set(clock.millis());
  }

  /** Records in the micro-batches in flight: added when a batch starts, taken off when it ends; batches started. */
  void batchStarted(int records) {
    batches.increment();
    inFlightBatch.addAndGet(records);
  }

  void batchEnded(int records) {
    inFlightBatch.addAndGet(-records);
  }

  /** Mean events consumed per second over the last full minute. */
  public double eventsPerSecond() {
    return consumedPerSecond.perSecond(clock.millis());
  }

  /** The figures as the status endpoint shows them. */
  public Snapshot snapshot() {
    var rejected = new TreeMap<String, Long>();
    rejectedByReason.forEach((reason, count) -> rejected.put(reason, count.sum()));
    var commit = lastCommitMillis.get();
    var tallied = new TreeMap<String, Long>();
    tallies.forEach((name, count) -> tallied.put(name, count.sum()));
    return new Snapshot(accepted.sum(), consumed.sum(), applied.sum(), redelivered.sum(), deduplicated.sum(),
        deadLettered.sum(), rejected, eventsPerSecond(), commit == 0 ? null : Instant.ofEpochMilli(commit),
        inFlightBatch.get(), batches.sum(), tallied);
  }

  /** @param tallies what the batch parts counted beside the verdicts, by name ({@code tooLateForJourneys}, …) */
  public record Snapshot(
      long accepted, long consumed, long applied, long redelivered, long deduplicated, long deadLettered,
      Map<String, Long> rejectedByReason, double eventsPerSecond, Instant lastCommit, long inFlightBatch,
      long batches, Map<String, Long> tallies) {}
}
