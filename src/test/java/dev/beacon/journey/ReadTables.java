package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.beacon.attribution.PathChange;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What journey facts add up to in the read tables, summed as {@link JourneyReadSide} sums them
 * (withdrawn facts taken off): sessions and engaged sessions per day and channel, credits per day,
 * channel, campaign and model, and per conversion path its conversions, value and open journeys.
 * Rows that add up to nothing are left out, as they answer nothing.
 */
final class ReadTables {
  /** counts: sessions, engaged; or conversions, non-conversions; value: revenue */
  private final Map<String, double[]> rows = new TreeMap<>();

  void add(JourneyLogic.Facts facts) {
    for (var s : facts.sessionsStarted) row("session " + s.day() + " " + s.channel())[0]++;
    for (var s : facts.sessionsWithdrawn) row("session " + s.day() + " " + s.channel())[0]--;
    for (var s : facts.sessionsEngaged) row("session " + s.day() + " " + s.channel())[1]++;
    for (var s : facts.engagementsWithdrawn) row("session " + s.day() + " " + s.channel())[1]--;
    for (var c : facts.conversions) credits(c, 1);
    for (var c : facts.conversionsWithdrawn) credits(c, -1);
    for (PathChange p : facts.pathChanges) {
      var row = row("path " + String.join(" > ", p.path()));
      row[0] += p.conversions();
      row[1] += p.nulls();
      row[2] += p.value();
    }
  }

  private void credits(Conversion c, int sign) {
    c.credits().forEach((model, credits) -> {
      for (var credit : credits) {
        var row = row("credit " + c.day() + " " + credit.channel() + " " + credit.campaign() + " " + model);
        row[0] += sign * credit.conversions();
        row[2] += sign * credit.value();
      }
    });
  }

  private double[] row(String key) {
    return rows.computeIfAbsent(key, k -> new double[3]);
  }

  private Map<String, double[]> nonZero() {
    var kept = new TreeMap<String, double[]>();
    rows.forEach((key, row) -> {
      if (Math.abs(row[0]) > 1e-9 || Math.abs(row[1]) > 1e-9 || Math.abs(row[2]) > 1e-6) kept.put(key, row);
    });
    return kept;
  }

  /** Same rows, counts equal (to rounding of fractional credits), values to a millionth. */
  void assertMatches(ReadTables expected) {
    var mine = nonZero();
    var theirs = expected.nonZero();
    assertThat(mine.keySet()).as("read-table rows").isEqualTo(theirs.keySet());
    theirs.forEach((key, row) -> {
      var actual = mine.get(key);
      assertThat(actual[0]).as(key + " counts").isCloseTo(row[0], within(1e-9));
      assertThat(actual[1]).as(key + " second counts").isCloseTo(row[1], within(1e-9));
      assertThat(actual[2]).as(key + " value").isCloseTo(row[2], within(1e-6));
    });
  }

  List<String> keys() {
    return List.copyOf(nonZero().keySet());
  }
}
