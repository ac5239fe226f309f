package dev.beacon.bench;

import dev.beacon.bandit.LinUcb;
import dev.beacon.bandit.LinUcbSettings;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times LinUCB's decide and update in one thread: d = 21, 4 arms, the default settings (α = 1,
 * λ = 1, ε = 0.05, an exact re-inversion every 100 updates of an arm, its cost spread over them).
 * Contexts and rewards are drawn beforehand; a warm-up lets the JIT compile the loops, then each
 * operation is timed over rounds of {@value #CALLS_PER_ROUND} calls, and the median and the best
 * round are reported in ns per call. The results feed a sink that is published, so the JIT cannot
 * drop the work. The bench runs it first (its {@code bandit} table); {@code java -cp target/classes dev.beacon.bench.BanditTiming [rounds]}.
 */
public final class BanditTiming {
  private static final int DIMENSION = 21;
  private static final List<String> ARMS = List.of("campaign-1", "campaign-2", "campaign-3", "campaign-4");
  private static final int CONTEXTS = 4_096;
  private static final int CALLS_PER_ROUND = 200_000;
  private static final int WARM_UP_ROUNDS = 10;

  private final double[][] contexts = new double[CONTEXTS][DIMENSION];
  private final double[] rewards = new double[CONTEXTS];
  private final LinUcb model;
  private double sink;
  static volatile double lastSink;

  private BanditTiming(long seed) {
    var random = new SplittableRandom(seed);
    for (var i = 0; i < CONTEXTS; i++) {
      for (var j = 0; j < DIMENSION; j++) contexts[i][j] = random.nextGaussian();
      rewards[i] = random.nextDouble() < 0.1 ? 1 : 0;
    }
    model = LinUcb.withArms(LinUcbSettings.of(DIMENSION), ARMS, new SplittableRandom(seed + 1));
  }

  /** Nanoseconds per call, median and best round, of decide, update and the two together. */
  record Result(int dimension, int arms, double decideMedian, double decideBest, double updateMedian, double updateBest,
      double bothMedian, double bothBest, double drift) {}

  /** Warms up, then times {@code rounds} rounds of each operation. */
  static Result measure(int rounds) {
    var timing = new BanditTiming(42);
    for (var i = 0; i < WARM_UP_ROUNDS; i++) {
      timing.decideRound();
      timing.updateRound();
      timing.bothRound();
    }
    var decide = new long[rounds];
    var update = new long[rounds];
    var both = new long[rounds];
    for (var i = 0; i < rounds; i++) {
      decide[i] = timing.decideRound();
      update[i] = timing.updateRound();
      both[i] = timing.bothRound();
    }
    // published, so that the JIT cannot drop the work that fed it
    lastSink = timing.sink;
    return new Result(DIMENSION, ARMS.size(), median(decide), best(decide), median(update), best(update), median(both),
        best(both), timing.model.drift());
  }

  public static void main(String[] args) {
    var rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    var r = measure(rounds);
    System.out.printf("LinUCB, d = %d, %d arms, %s, Java %s%n", DIMENSION, ARMS.size(), LinUcbSettings.of(DIMENSION),
        Runtime.version());
    System.out.printf("%-18s %12s %12s%n", "ns per call", "median", "best");
    System.out.printf("%-18s %12.1f %12.1f%n", "decide", r.decideMedian(), r.decideBest());
    System.out.printf("%-18s %12.1f %12.1f%n", "update", r.updateMedian(), r.updateBest());
    System.out.printf("%-18s %12.1f %12.1f%n", "decide + update", r.bothMedian(), r.bothBest());
    System.out.printf("(drift at the latest re-inversions %.3e, %d rounds of %,d calls)%n", r.drift(), rounds, CALLS_PER_ROUND);
  }

  private static double median(long[] nanos) {
    var sorted = nanos.clone();
    Arrays.sort(sorted);
    return (double) sorted[sorted.length / 2] / CALLS_PER_ROUND;
  }

  private static double best(long[] nanos) {
    return (double) Arrays.stream(nanos).min().orElseThrow() / CALLS_PER_ROUND;
  }

  private long decideRound() {
    var started = System.nanoTime();
    for (var i = 0; i < CALLS_PER_ROUND; i++) sink += model.decide(contexts[i & (CONTEXTS - 1)]).propensity();
    return System.nanoTime() - started;
  }

  /** Updates each arm in turn, as rewards for the arms shown would. */
  private long updateRound() {
    var started = System.nanoTime();
    for (var i = 0; i < CALLS_PER_ROUND; i++) {
      var c = i & (CONTEXTS - 1);
      model.update(ARMS.get(i & 3), contexts[c], rewards[c]);
    }
    return System.nanoTime() - started;
  }

  /** A decision, then the reward for the arm it chose. */
  private long bothRound() {
    var started = System.nanoTime();
    for (var i = 0; i < CALLS_PER_ROUND; i++) {
      var c = i & (CONTEXTS - 1);
      var decision = model.decide(contexts[c]);
      model.update(decision.arm(), contexts[c], rewards[c]);
      sink += decision.propensity();
    }
    return System.nanoTime() - started;
  }
}
