package dev.beacon.journey;

import dev.beacon.attribution.PathCounts;
import dev.beacon.common.Sql;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads the journeys' read tables: attributed conversions per model and channel, daily series,
 * the conversion paths that feed the data-driven models (solved here on demand).
 * Blocking JDBC: callers run it off the actor threads.
 */
final class AttributionQueries {
  private final DataSource dataSource;

  public AttributionQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Conversions and revenue of one channel under one model. */
  public record ChannelCredit(String channel, double conversions, double revenue) {}

  /**
   * Conversions and revenue per model and channel over [from, to]: model → channel → credit. A
   * channel whose credits restatements took back entirely (they add up to nothing) is left out.
   */
  public Map<String, Map<String, ChannelCredit>> byModelAndChannel(String organizationId, LocalDate from, LocalDate to)
      throws SQLException {
    var result = new TreeMap<String, Map<String, ChannelCredit>>();
    Sql.forEach(dataSource, """
        SELECT attribution_model, channel, SUM(conversions), SUM(revenue) FROM attribution_daily
        WHERE organization_id = ? AND event_day BETWEEN ? AND ?
        GROUP BY attribution_model, channel
        HAVING ABS(SUM(conversions)) > 0.000000001 OR ABS(SUM(revenue)) > 0.000000001
        ORDER BY attribution_model, channel""",
        rs -> result.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
            .put(rs.getString(2), new ChannelCredit(rs.getString(2), round(rs.getDouble(3)), round(rs.getDouble(4)))),
        organizationId, from, to);
    return result;
  }

  /** Sessions and engaged sessions of one channel (channels whose sessions were all restated away are left out). */
  public record ChannelSessions(String channel, long sessions, long engagedSessions) {}

  public List<ChannelSessions> sessionsByChannel(String organizationId, LocalDate from, LocalDate to) throws SQLException {
    return Sql.list(dataSource, """
        SELECT channel, SUM(sessions), SUM(engaged_sessions) FROM session_daily
        WHERE organization_id = ? AND event_day BETWEEN ? AND ? GROUP BY channel
        HAVING SUM(sessions) <> 0 OR SUM(engaged_sessions) <> 0 ORDER BY channel""",
        rs -> new ChannelSessions(rs.getString(1), rs.getLong(2), rs.getLong(3)), organizationId, from, to);
  }

  /** One day of one model. */
  public record DayCredit(LocalDate day, String model, double conversions, double revenue) {}

  public List<DayCredit> daily(String organizationId, LocalDate from, LocalDate to) throws SQLException {
    return Sql.list(dataSource, """
        SELECT event_day, attribution_model, SUM(conversions), SUM(revenue) FROM attribution_daily
        WHERE organization_id = ? AND event_day BETWEEN ? AND ?
        GROUP BY event_day, attribution_model ORDER BY event_day, attribution_model""",
        rs -> new DayCredit(rs.getDate(1).toLocalDate(), rs.getString(2), round(rs.getDouble(3)), round(rs.getDouble(4))),
        organizationId, from, to);
  }

  /** The organisation's converting and non-converting journey paths; empty when it has none. */
  public PathCounts paths(String organizationId) throws SQLException {
    var counts = new PathCounts();
    Sql.forEach(dataSource,
        "SELECT channel_path, SUM(conversions), SUM(conversion_value), SUM(non_conversions) FROM conversion_paths "
            + "WHERE organization_id = ? GROUP BY channel_path",
        rs -> {
          var path = rs.getString(1);
          var conversions = rs.getLong(2);
          var nulls = rs.getLong(4);
          if (path.isEmpty() || (conversions <= 0 && nulls <= 0)) return;
          counts.add(Arrays.asList(path.split(JourneyReadSide.PATH_SEPARATOR, -1)), conversions,
              Math.max(0, rs.getDouble(3)), Math.max(0, nulls));
        },
        organizationId);
    return counts;
  }


  /** Whether the organisation has anything on the journeys' read side. */
  public boolean knows(String organizationId) throws SQLException {
    return !Sql.list(dataSource, """
        SELECT 1 FROM session_daily WHERE organization_id = ?
        UNION ALL SELECT 1 FROM conversion_paths WHERE organization_id = ? LIMIT 1""",
        rs -> true, organizationId, organizationId).isEmpty();
  }

  private static double round(double value) {
    return Math.round(value * 1_000_000.0) / 1_000_000.0;
  }
}
