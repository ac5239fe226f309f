package dev.beacon.journey;

import dev.beacon.common.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the facts of persisted journey events into the read tables, in the caller's
 * transaction: sessions and engaged sessions per day × channel, attributed conversions and
 * revenue per day × channel × campaign × model, and the organisation's conversion paths (for the
 * data-driven models); the live event feed is held in memory by the live hubs. Deltas of a group
 * of events are summed first, so each key is written once, and each projection instance writes
 * rows of its own slice, so instances never contend for a row.
 */
final class JourneyReadSide {
  static final String PATH_SEPARATOR = " > ";

  private record SessionKey(String organizationId, LocalDate day, String channel) {}

  private record CreditKey(String organizationId, LocalDate day, String channel, String campaign, String model) {}

  private record PathKey(String organizationId, String path) {}

  private static final class Sums {
    double a;
    double b;
    long c;
  }

  void write(Connection connection, int slice, List<JourneyBucket.JourneysUpdated> events) throws SQLException {
    var sessions = new LinkedHashMap<SessionKey, Sums>();
    var credits = new LinkedHashMap<CreditKey, Sums>();
    var paths = new LinkedHashMap<PathKey, Sums>();
    for (var e : events) {
      var org = e.organizationId();
      for (var s : e.sessionsStarted()) sessions.computeIfAbsent(new SessionKey(org, s.day(), s.channel()), k -> new Sums()).a++;
      for (var s : e.sessionsEngaged()) sessions.computeIfAbsent(new SessionKey(org, s.day(), s.channel()), k -> new Sums()).b++;
      // a restatement: what a late event changed comes off first, its new version is among the facts added
      for (var s : e.sessionsWithdrawn()) sessions.computeIfAbsent(new SessionKey(org, s.day(), s.channel()), k -> new Sums()).a--;
      for (var s : e.engagementsWithdrawn()) sessions.computeIfAbsent(new SessionKey(org, s.day(), s.channel()), k -> new Sums()).b--;
      for (var c : e.conversionsWithdrawn()) addCredits(credits, org, c, -1);
      for (var c : e.conversions()) addCredits(credits, org, c, 1);
      for (var p : e.pathChanges()) {
        var sums = paths.computeIfAbsent(new PathKey(org, String.join(PATH_SEPARATOR, p.path())), k -> new Sums());
        sums.a += p.conversions();
        sums.b += p.value();
        sums.c += p.nulls();
      }
    }
    writeSessions(connection, slice, sessions);
    writeCredits(connection, slice, credits);
    writePaths(connection, slice, paths);
  }

  private static void addCredits(Map<CreditKey, Sums> credits, String org, Conversion c, int sign) {
    c.credits().forEach((model, list) -> {
      for (var credit : list) {
        var sums = credits.computeIfAbsent(new CreditKey(org, c.day(), credit.channel(), credit.campaign(), model), k -> new Sums());
        sums.a += sign * credit.conversions();
        sums.b += sign * credit.value();
      }
    });
  }

  private static void writeSessions(Connection connection, int slice, Map<SessionKey, Sums> sessions) throws SQLException {
    Sql.batch(connection, """
        MERGE INTO session_daily t
        USING (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128)), CAST(? AS DATE), CAST(? AS VARCHAR(64)), CAST(? AS BIGINT), CAST(? AS BIGINT)))
          AS s (projection_slice, organization_id, event_day, channel, sessions, engaged_sessions)
        ON t.projection_slice = s.projection_slice AND t.organization_id = s.organization_id AND t.event_day = s.event_day
          AND t.channel = s.channel
        WHEN MATCHED THEN UPDATE SET sessions = t.sessions + s.sessions, engaged_sessions = t.engaged_sessions + s.engaged_sessions
        WHEN NOT MATCHED THEN INSERT (projection_slice, organization_id, event_day, channel, sessions, engaged_sessions)
          VALUES (s.projection_slice, s.organization_id, s.event_day, s.channel, s.sessions, s.engaged_sessions)""",
        sessions.entrySet(), e -> new Object[] {slice, e.getKey().organizationId(), e.getKey().day(), e.getKey().channel(),
            (long) e.getValue().a, (long) e.getValue().b});
  }

  private static void writeCredits(Connection connection, int slice, Map<CreditKey, Sums> credits) throws SQLException {
    Sql.batch(connection, """
        MERGE INTO attribution_daily t
        USING (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128)), CAST(? AS DATE), CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(256)),
                       CAST(? AS VARCHAR(32)), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)))
          AS s (projection_slice, organization_id, event_day, channel, campaign, attribution_model, conversions, revenue)
        ON t.projection_slice = s.projection_slice AND t.organization_id = s.organization_id AND t.event_day = s.event_day AND t.channel = s.channel
          AND t.campaign = s.campaign AND t.attribution_model = s.attribution_model
        WHEN MATCHED THEN UPDATE SET conversions = t.conversions + s.conversions, revenue = t.revenue + s.revenue
        WHEN NOT MATCHED THEN INSERT (projection_slice, organization_id, event_day, channel, campaign, attribution_model, conversions, revenue)
          VALUES (s.projection_slice, s.organization_id, s.event_day, s.channel, s.campaign, s.attribution_model, s.conversions, s.revenue)""",
        credits.entrySet(), e -> new Object[] {slice, e.getKey().organizationId(), e.getKey().day(), e.getKey().channel(),
            e.getKey().campaign(), e.getKey().model(), e.getValue().a, e.getValue().b});
  }

  private static void writePaths(Connection connection, int slice, Map<PathKey, Sums> paths) throws SQLException {
    Sql.batch(connection, """
        MERGE INTO conversion_paths t
        USING (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(2048)), CAST(? AS BIGINT),
                       CAST(? AS DOUBLE PRECISION), CAST(? AS BIGINT)))
          AS s (projection_slice, organization_id, channel_path, conversions, conversion_value, non_conversions)
        ON t.projection_slice = s.projection_slice AND t.organization_id = s.organization_id AND t.channel_path = s.channel_path
        WHEN MATCHED THEN UPDATE SET conversions = t.conversions + s.conversions,
          conversion_value = t.conversion_value + s.conversion_value, non_conversions = t.non_conversions + s.non_conversions
        WHEN NOT MATCHED THEN INSERT (projection_slice, organization_id, channel_path, conversions, conversion_value, non_conversions)
          VALUES (s.projection_slice, s.organization_id, s.channel_path, s.conversions, s.conversion_value, s.non_conversions)""",
        paths.entrySet(), e -> new Object[] {slice, e.getKey().organizationId(), e.getKey().path(),
            (long) e.getValue().a, e.getValue().b, e.getValue().c});
  }
}
