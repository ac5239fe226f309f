package dev.beacon.attribution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Shapley-value attribution over channel coalitions. The worth of a coalition S is what the
 * converting paths whose SET of channels lies within S brought in: {@code v(S) = Σ conversions}
 * (and, as a second game, value) over those paths; order and repeats do not matter. Each channel
 * gets its exact Shapley value
 * {@code φ_i = Σ_{S ⊆ N∖{i}} |S|! (n−|S|−1)! / n! · (v(S ∪ {i}) − v(S))}, so the channels' shares
 * add up to the totals of the converting paths.
 *
 * <p>The game has one player per channel seen on a converting path; v is built for all 2^n
 * coalitions by a subset-sum (zeta) transform, O(n·2^n) time and two arrays of 2^n doubles.
 * Hence the cap of {@value #MAX_CHANNELS} channels (2^20 coalitions, 16 MB): above it
 * {@link #solve} throws {@link IllegalArgumentException}. Channels seen only on paths that did not
 * convert are listed with zero.
 */
public final class ShapleyAttribution {
  public static final int MAX_CHANNELS = 20;

  /** One channel's Shapley share of the conversions and of the value. */
  public record ChannelResult(String channel, double conversions, double value) {}

  /** The totals of converting paths, shared out over the channels, sorted by name. */
  public record Result(long totalConversions, double totalValue, List<ChannelResult> channels) {
    public Result {
      channels = List.copyOf(channels);
    }

    public Optional<ChannelResult> channel(String name) {
      return channels.stream().filter(c -> c.channel().equals(name)).findFirst();
    }
  }

  private ShapleyAttribution() {}

  public static Result solve(PathCounts counts) {
    var players = new TreeSet<String>();
    counts.paths().forEach((path, outcome) -> {
      if (outcome.conversions() > 0) players.addAll(path);
    });
    var n = players.size();
    if (n > MAX_CHANNELS) {
      throw new IllegalArgumentException("Shapley attribution is exact over at most " + MAX_CHANNELS
          + " channels (2^n coalitions); the converting paths hold " + n + ": group channels before solving");
    }
    var bit = new HashMap<String, Integer>();
    var names = new ArrayList<>(players);
    for (var i = 0; i < n; i++) bit.put(names.get(i), 1 << i);

    // worth of exactly each channel set, then v(S) = sum over subsets T of S
    var conversions = new double[1 << n];
    var value = new double[1 << n];
    counts.paths().forEach((path, outcome) -> {
      if (outcome.conversions() == 0) return;
      var mask = 0;
      for (var channel : path) mask |= bit.get(channel);
      conversions[mask] += outcome.conversions();
      value[mask] += outcome.value();
    });
    subsetSums(conversions, n);
    subsetSums(value, n);

    var weight = coalitionWeights(n);
    var shares = new HashMap<String, ChannelResult>();
    for (var i = 0; i < n; i++) {
      var b = 1 << i;
      double phiConversions = 0;
      double phiValue = 0;
      for (var s = 0; s < 1 << n; s++) {
        if ((s & b) != 0) continue;
        var w = weight[Integer.bitCount(s)];
        phiConversions += w * (conversions[s | b] - conversions[s]);
        phiValue += w * (value[s | b] - value[s]);
      }
      shares.put(names.get(i), new ChannelResult(names.get(i), phiConversions, phiValue));
    }
    var results = new ArrayList<ChannelResult>();
    for (var channel : counts.channels()) results.add(shares.getOrDefault(channel, new ChannelResult(channel, 0, 0)));
    var totalConversions = counts.totalConversions();
    var totalValue = counts.totalValue();
    return new Result(totalConversions, totalValue, results);
  }

  private static void subsetSums(double[] f, int n) {
    for (var i = 0; i < n; i++) {
      var b = 1 << i;
      for (var s = 0; s < f.length; s++) if ((s & b) != 0) f[s] += f[s ^ b];
    }
  }

  /** |S|!(n−|S|−1)!/n! for |S| = 0..n−1, as 1 / (n · C(n−1, |S|)). */
  private static double[] coalitionWeights(int n) {
    var weight = new double[Math.max(n, 1)];
    double binomial = 1; // C(n-1, s)
    for (var s = 0; s < n; s++) {
      weight[s] = 1 / (n * binomial);
      binomial = binomial * (n - 1 - s) / (s + 1);
    }
    return weight;
  }
}
