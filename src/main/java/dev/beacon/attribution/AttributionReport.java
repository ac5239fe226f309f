package dev.beacon.attribution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per channel, over aggregated paths: first touch, last touch (last non-Direct), linear and
 * Markov conversions and value. The rule models use the same position weights as the streaming
 * path ({@link RuleBasedAttribution}), applied to each path's totals: there are no timestamps, so
 * no lookback window and no time decay here. Rows are sorted by channel name.
 */
final class AttributionReport {
  static final List<String> CSV_COLUMNS = List.of("channel", "first_touch_conversions", "first_touch_value",
      "last_touch_conversions", "last_touch_value", "linear_conversions", "linear_value",
      "markov_removal_effect", "markov_conversions", "markov_value");
  private static final List<String> TABLE_COLUMNS = List.of("channel", "first conv", "first value",
      "last conv", "last value", "linear conv", "linear value", "removal effect", "markov conv", "markov value");

  /** One channel's figures. */
  public record Row(String channel, double firstTouchConversions, double firstTouchValue,
      double lastTouchConversions, double lastTouchValue, double linearConversions, double linearValue,
      double markovRemovalEffect, double markovConversions, double markovValue) {}

  private final List<Row> rows;
  private final long totalConversions;
  private final double totalValue;
  private final long journeys;

  private AttributionReport(List<Row> rows, long totalConversions, double totalValue, long journeys) {
    this.rows = List.copyOf(rows);
    this.totalConversions = totalConversions;
    this.totalValue = totalValue;
    this.journeys = journeys;
  }

  public static AttributionReport of(PathCounts counts) {
    var first = new HashMap<String, double[]>();
    var last = new HashMap<String, double[]>();
    var linear = new HashMap<String, double[]>();
    counts.paths().forEach((path, outcome) -> {
      if (outcome.conversions() == 0) return;
      share(first, path, RuleBasedAttribution.sequenceWeights(RuleBasedAttribution.FIRST_CLICK, path), outcome);
      share(last, path, RuleBasedAttribution.sequenceWeights(RuleBasedAttribution.LAST_CLICK, path), outcome);
      share(linear, path, RuleBasedAttribution.sequenceWeights(RuleBasedAttribution.LINEAR, path), outcome);
    });
    var markov = MarkovAttribution.solve(counts);
    var rows = new ArrayList<Row>();
    for (var m : markov.channels()) {
      var c = m.channel();
      var f = first.getOrDefault(c, new double[2]);
      var l = last.getOrDefault(c, new double[2]);
      var lin = linear.getOrDefault(c, new double[2]);
      rows.add(new Row(c, f[0], f[1], l[0], l[1], lin[0], lin[1], m.removalEffect(), m.conversions(), m.value()));
    }
    return new AttributionReport(rows, counts.totalConversions(), counts.totalValue(), counts.journeys());
  }

  private static void share(Map<String, double[]> totals, List<String> path, double[] weights, PathCounts.Outcome outcome) {
    for (var i = 0; i < weights.length; i++) {
      if (weights[i] == 0) continue;
      var t = totals.computeIfAbsent(path.get(i), k -> new double[2]);
      t[0] += weights[i] * outcome.conversions();
      t[1] += weights[i] * outcome.value();
    }
  }

  public List<Row> rows() {
    return rows;
  }

  /** Header and one line per channel, numbers with six decimals (removal effects nine), channel quoted when it must be. */
  public String csv() {
    var out = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
    for (var r : rows) {
      out.append(csvField(r.channel()));
      var values = numbers(r);
      for (var i = 0; i < values.length; i++) {
        out.append(',').append(String.format(Locale.ROOT, i == 6 ? "%.9f" : "%.6f", values[i]));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** An aligned text table with a total line under it. */
  public String table() {
    var lines = new ArrayList<List<String>>();
    lines.add(TABLE_COLUMNS);
    double[] sums = new double[9];
    for (var r : rows) {
      var cells = new ArrayList<String>();
      cells.add(r.channel());
      var values = numbers(r);
      for (var i = 0; i < values.length; i++) {
        cells.add(format(i, values[i]));
        sums[i] += values[i];
      }
      lines.add(cells);
    }
    var total = new ArrayList<String>();
    total.add("total");
    for (var i = 0; i < sums.length; i++) total.add(i == 6 ? "" : format(i, sums[i]));
    lines.add(total);
    var widths = new int[TABLE_COLUMNS.size()];
    for (var line : lines) for (var i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], line.get(i).length());
    var out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%d journeys, %d conversions, value %.2f%n", journeys, totalConversions, totalValue));
    for (var n = 0; n < lines.size(); n++) {
      if (n == lines.size() - 1) out.append(rule(widths)).append('\n');
      var line = lines.get(n);
      var text = new StringBuilder(pad(line.get(0), widths[0], false));
      for (var i = 1; i < widths.length; i++) text.append("  ").append(pad(line.get(i), widths[i], true));
      out.append(text.toString().stripTrailing()).append('\n');
      if (n == 0) out.append(rule(widths)).append('\n');
    }
    return out.toString();
  }

  private static double[] numbers(Row r) {
    return new double[] {r.firstTouchConversions(), r.firstTouchValue(), r.lastTouchConversions(), r.lastTouchValue(),
        r.linearConversions(), r.linearValue(), r.markovRemovalEffect(), r.markovConversions(), r.markovValue()};
  }

  private static String format(int column, double v) {
    return String.format(Locale.ROOT, column == 6 ? "%.4f" : "%.2f", v);
  }

  private static String pad(String s, int width, boolean right) {
    var fill = " ".repeat(width - s.length());
    return right ? fill + s : s + fill;
  }

  private static String rule(int[] widths) {
    var total = (widths.length - 1) * 2;
    for (var w : widths) total += w;
    return "-".repeat(total);
  }

  private static String csvField(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) return "\"" + s.replace("\"", "\"\"") + "\"";
    return s;
  }
}
