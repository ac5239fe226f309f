package dev.beacon.attribution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * First-order Markov-chain attribution by removal effects, solved exactly with absorbing-chain
 * algebra (no simulation). States: start, one per channel, and the absorbing conversion and
 * null. A path {@code a > b} with C conversions and N nulls adds C+N to start→a and a→b, C to
 * b→conversion and N to b→null; transition probabilities are the counts normalised per state.
 *
 * <p>P is the probability of absorption in conversion from start: the solution of
 * {@code (I - Q) x = r} over the transient states (Q: transient-to-transient probabilities, r:
 * probability of going to conversion), by Gaussian elimination with partial pivoting. Removing
 * channel c sends every transition into c to null; its removal effect is
 * {@code RE_c = 1 - P_without_c / P}, and it is attributed {@code total × RE_c / Σ RE} of the
 * conversions and of the value.
 *
 * <p>Repeats of a channel ({@code a > a > b}) are kept, as ChannelAttribution keeps them, as
 * self-transitions. They change neither P nor any removal effect: from a state with self-loop
 * probability s, the chance of leaving to j is p_j / (1 - s), exactly what dropping the loop
 * gives. No conversion at all gives removal effects and credits of zero.
 */
public final class MarkovAttribution {

  /** One channel's removal effect and its share of the conversions and value. */
  public record ChannelResult(String channel, double removalEffect, double conversions, double value) {}

  /** P(conversion) of the full chain, the totals shared out, and the channels sorted by name. */
  public record Result(double conversionProbability, long totalConversions, double totalValue, List<ChannelResult> channels) {
    public Result {
      channels = List.copyOf(channels);
    }

    public Optional<ChannelResult> channel(String name) {
      return channels.stream().filter(c -> c.channel().equals(name)).findFirst();
    }
  }

  private MarkovAttribution() {}

  public static Result solve(PathCounts counts) {
    var channels = List.copyOf(counts.channels());
    var chain = Chain.of(counts, channels);
    var totalConversions = counts.totalConversions();
    var totalValue = counts.totalValue();
    var p = chain.conversionProbability(-1);
    var effects = new double[channels.size()];
    var sum = 0.0;
    if (p > 0) {
      for (var c = 0; c < effects.length; c++) {
        // clamped: rounding must not make an effect a hair below 0 or above 1
        effects[c] = Math.min(1, Math.max(0, 1 - chain.conversionProbability(c + 1) / p));
        sum += effects[c];
      }
    }
    var results = new ArrayList<ChannelResult>(channels.size());
    for (var c = 0; c < effects.length; c++) {
      var share = sum > 0 ? effects[c] / sum : 0;
      results.add(new ChannelResult(channels.get(c), effects[c], totalConversions * share, totalValue * share));
    }
    return new Result(p, totalConversions, totalValue, results);
  }

  /** Transition counts between transient states (0 = start, 1..n = channels) and to the absorbing ones. */
  private record Chain(double[][] between, double[] toConversion, double[] outTotal) {

    static Chain of(PathCounts counts, List<String> channels) {
      var index = new HashMap<String, Integer>();
      for (var i = 0; i < channels.size(); i++) index.put(channels.get(i), i + 1);
      var n = channels.size() + 1;
      var between = new double[n][n];
      var toConversion = new double[n];
      var outTotal = new double[n];
      counts.paths().forEach((path, outcome) -> {
        double journeys = outcome.journeys();
        var from = 0;
        for (var channel : path) {
          int to = index.get(channel);
          between[from][to] += journeys;
          outTotal[from] += journeys;
          from = to;
        }
        toConversion[from] += outcome.conversions();
        outTotal[from] += journeys; // to conversion and to null
      });
      return new Chain(between, toConversion, outTotal);
    }

    /** P(conversion from start) with state {@code removed} (a channel index, or -1 for none) cut out. */
    double conversionProbability(int removed) {
      if (outTotal[0] == 0) return 0;
      var states = new int[removed < 0 ? outTotal.length : outTotal.length - 1];
      for (int s = 0, k = 0; s < outTotal.length; s++) if (s != removed) states[k++] = s;
      var m = states.length;
      var a = new double[m][m];
      var b = new double[m];
      for (var i = 0; i < m; i++) {
        var from = states[i];
        a[i][i] = 1;
        if (outTotal[from] == 0) continue; // never entered: x = 0
        for (var j = 0; j < m; j++) a[i][j] -= between[from][states[j]] / outTotal[from];
        b[i] = toConversion[from] / outTotal[from];
      }
      return LinearSystem.solve(a, b)[0];
    }
  }

  /** Dense Gaussian elimination with partial pivoting; the chains here have a state per channel. */
  static final class LinearSystem {
    private LinearSystem() {}

    /** Solves {@code a x = b}; both arrays are overwritten. */
    static double[] solve(double[][] a, double[] b) {
      var n = b.length;
      for (var col = 0; col < n; col++) {
        var pivot = col;
        for (var r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
        if (Math.abs(a[pivot][col]) < 1e-300) throw new IllegalStateException("singular system at column " + col);
        var rowSwap = a[col];
        a[col] = a[pivot];
        a[pivot] = rowSwap;
        var bSwap = b[col];
        b[col] = b[pivot];
        b[pivot] = bSwap;
        for (var r = col + 1; r < n; r++) {
          var f = a[r][col] / a[col][col];
          if (f == 0) continue;
          for (var k = col; k < n; k++) a[r][k] -= f * a[col][k];
          b[r] -= f * b[col];
        }
      }
      var x = new double[n];
      for (var r = n - 1; r >= 0; r--) {
        var s = b[r];
        for (var k = r + 1; k < n; k++) s -= a[r][k] * x[k];
        x[r] = s / a[r][r];
      }
      return x;
    }
  }
}
