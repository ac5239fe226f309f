package dev.beacon.attribution;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Aggregated journeys for the data-driven models: per channel path (in touch order, repeats
 * kept), how many journeys converted, their value, and how many did not convert ("nulls").
 * Kept incrementally: when a journey's path changes, remove its old outcome and add the new one.
 * Mutable and not thread-safe: one owner (an entity, a command) at a time; {@link #copy()} to hand
 * a snapshot to a solver elsewhere.
 */
public final class PathCounts {

  /** What the journeys of one path came to. */
  public record Outcome(long conversions, double value, long nulls) {
    public long journeys() {
      return conversions + nulls;
    }
  }

  private final Map<List<String>, Outcome> paths = new HashMap<>();

  /** Adds journeys of a path: {@code conversions} of them converted with {@code value} in all, {@code nulls} did not. */
  public void add(List<String> path, long conversions, double value, long nulls) {
    var key = key(path);
    check(conversions, value, nulls);
    var old = paths.getOrDefault(key, new Outcome(0, 0, 0));
    put(key, old.conversions() + conversions, old.value() + value, old.nulls() + nulls);
  }

  /** One journey on this path that converted with this value. */
  public void addConversion(List<String> path, double value) {
    add(path, 1, value, 0);
  }

  /** One journey on this path that has not converted. */
  public void addNull(List<String> path) {
    add(path, 0, 0, 1);
  }

  /** Takes back what an earlier {@link #add} counted; more than was added is refused. */
  public void remove(List<String> path, long conversions, double value, long nulls) {
    var key = key(path);
    check(conversions, value, nulls);
    var old = paths.get(key);
    if (old == null || old.conversions() < conversions || old.nulls() < nulls) {
      throw new IllegalStateException(
          "cannot remove " + new Outcome(conversions, value, nulls) + " from " + key + ": holds " + old);
    }
    put(key, old.conversions() - conversions, old.value() - value, old.nulls() - nulls);
  }

  /**
   * Applies one change a journey bucket persisted ({@link JourneyBucket.JourneysUpdated#pathChanges()}):
   * negative counts take back, positive ones add. Applied in order, a bucket's changes never take
   * back more than they added.
   */
  public void apply(PathChange change) {
    if (change.conversions() < 0 || change.nulls() < 0) {
      remove(change.path(), -change.conversions(), Math.abs(change.value()), -change.nulls());
    } else {
      add(change.path(), change.conversions(), change.value(), change.nulls());
    }
  }

  /** Adds every path of another count to this one. */
  public void merge(PathCounts other) {
    other.paths.forEach((path, o) -> add(path, o.conversions(), o.value(), o.nulls()));
  }

  public PathCounts copy() {
    var copy = new PathCounts();
    copy.paths.putAll(paths);
    return copy;
  }

  /** Path to outcome, read-only. Paths whose counts fell to zero are gone. */
  public Map<List<String>, Outcome> paths() {
    return Collections.unmodifiableMap(paths);
  }

  public int size() {
    return paths.size();
  }

  public long totalConversions() {
    return paths.values().stream().mapToLong(Outcome::conversions).sum();
  }

  public double totalValue() {
    return paths.values().stream().mapToDouble(Outcome::value).sum();
  }

  public long totalNulls() {
    return paths.values().stream().mapToLong(Outcome::nulls).sum();
  }

  public long journeys() {
    return totalConversions() + totalNulls();
  }

  /** Every channel on any path, sorted. */
  public SortedSet<String> channels() {
    var channels = new TreeSet<String>();
    paths.keySet().forEach(channels::addAll);
    return channels;
  }

  private void put(List<String> key, long conversions, double value, long nulls) {
    if (conversions == 0 && nulls == 0) {
      paths.remove(key);
    } else {
      // no conversion left means no value left, whatever rounding the subtractions kept
      paths.put(key, new Outcome(conversions, conversions == 0 ? 0 : value, nulls));
    }
  }

  private static List<String> key(List<String> path) {
    if (path.isEmpty()) throw new IllegalArgumentException("a path has at least one channel");
    for (var channel : path) {
      if (channel == null || channel.isBlank()) throw new IllegalArgumentException("blank channel in path " + path);
    }
    return List.copyOf(path);
  }

  private static void check(long conversions, double value, long nulls) {
    if (conversions < 0 || nulls < 0 || !Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException("counts must be finite and not negative: conversions " + conversions
          + ", value " + value + ", nulls " + nulls);
    }
  }
}
