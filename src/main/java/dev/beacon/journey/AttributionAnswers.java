package dev.beacon.journey;

import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.journey.AttributionReplies.Amount;
import dev.beacon.journey.AttributionReplies.Comparison;
import dev.beacon.journey.AttributionReplies.Day;
import dev.beacon.journey.AttributionReplies.Timeseries;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bodies of {@code /api/attribution/compare} and {@code /api/attribution/timeseries}, for
 * the routes and for the live dashboards, which push the same answers. Blocking reads of the read
 * side: call off the actor threads.
 */
public final class AttributionAnswers {
  /** The ranges the endpoints take when given none: compare the last 30 days, the series the last 14. */
  public static final int COMPARE_DAYS = 30;
  public static final int SERIES_DAYS = 14;
  private final AttributionQueries queries;
  private final Clock clock;

  public AttributionAnswers(AttributionQueries queries, Clock clock) {
    this.queries = queries;
    this.clock = clock;
  }

  /** Whether the organisation has anything on the read side (else the endpoints answer 404). */
  public boolean knows(String organizationId) throws SQLException {
    return queries.knows(organizationId);
  }

  /** Today, in UTC: the last day of the default ranges. */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  /** The compare body over {@code from}..{@code to}. */
  public Object compare(String org, LocalDate from, LocalDate to) throws SQLException {
    return Comparison.of(org, from, to, queries.byModelAndChannel(org, from, to), queries.sessionsByChannel(org, from, to));
  }

  /** The timeseries body over {@code from}..{@code to}: every day, every rule-based model, zeros included. */
  public Object timeseries(String org, LocalDate from, LocalDate to) throws SQLException {
    var byDay = new TreeMap<LocalDate, Map<String, Amount>>();
    for (var d = from; !d.isAfter(to); d = d.plusDays(1)) {
      var models = new LinkedHashMap<String, Amount>();
      for (var model : RuleBasedAttribution.MODELS) models.put(model, Amount.NONE);
      byDay.put(d, models);
    }
    for (var credit : queries.daily(org, from, to)) {
      byDay.get(credit.day()).put(credit.model(), new Amount(credit.conversions(), credit.revenue()));
    }
    return new Timeseries(org, byDay.entrySet().stream().map(day -> new Day(day.getKey(), day.getValue())).toList());
  }
}
