package dev.beacon.journey;

import java.sql.Connection;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the facts of persisted journey events into the read tables, in the caller's
 * transaction: sessions and engaged sessions per day × channel, attributed conversions and
 * revenue per day × channel × campaign × model, the organisation's conversion paths (for the
 * data-driven models), and the live event feed, trimmed to its last {@code feedSize} rows per
 * organisation. Deltas of a group of events are summed first, so each key is written once, and
 * each projection instance writes rows of its own slice, so instances never contend for a row.
 */
final class JourneyReadSide {
  static final String PATH_SEPARATOR = " > ";
  private final int feedSize;

  JourneyReadSide(int feedSize) {
    if (feedSize < 1) throw new IllegalArgumentException("beacon.read-side.live-feed-size must be at least 1, got " + feedSize);
    this.feedSize = feedSize;
  }

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
    var organizations = new HashSet<String>();
    for (var e : events) {
      var org = e.organizationId();
      for (var s : e.sessionsStarted()) sessions.computeIfAbsent(new SessionKey(org, s.day(), s.channel()), k -> new Sums()).a++;
      for (var s : e.sessionsEngaged()) sessions.computeIfAbsent(new SessionKey(org, s.day(), s.channel()), k -> new Sums()).b++;
      for (var c : e.conversions()) {
        c.credits().forEach((model, list) -> {
          for (var credit : list) {
            var sums = credits.computeIfAbsent(new CreditKey(org, c.day(), credit.channel(), credit.campaign(), model), k -> new Sums());
            sums.a += credit.conversions();
            sums.b += credit.value();
          }
        });
      }
      for (var p : e.pathChanges()) {
        var sums = paths.computeIfAbsent(new PathKey(org, String.join(PATH_SEPARATOR, p.path())), k -> new Sums());
        sums.a += p.conversions();
        sums.b += p.value();
        sums.c += p.nulls();
      }
      if (!e.feed().isEmpty()) organizations.add(org);
    }
    writeSessions(connection, slice, sessions);
    writeCredits(connection, slice, credits);
    writePaths(connection, slice, paths);
    writeFeed(connection, events, organizations);
  }

  private static void writeSessions(Connection connection, int slice, Map<SessionKey, Sums> sessions) throws SQLException {
    if (sessions.isEmpty()) return;
    try (var st = connection.prepareStatement("""
        MERGE INTO session_daily t
        USING (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128)), CAST(? AS DATE), CAST(? AS VARCHAR(64)), CAST(? AS BIGINT), CAST(? AS BIGINT)))
          AS s (projection_slice, organization_id, event_day, channel, sessions, engaged_sessions)
        ON t.projection_slice = s.projection_slice AND t.organization_id = s.organization_id AND t.event_day = s.event_day
          AND t.channel = s.channel
        WHEN MATCHED THEN UPDATE SET sessions = t.sessions + s.sessions, engaged_sessions = t.engaged_sessions + s.engaged_sessions
        WHEN NOT MATCHED THEN INSERT (projection_slice, organization_id, event_day, channel, sessions, engaged_sessions)
          VALUES (s.projection_slice, s.organization_id, s.event_day, s.channel, s.sessions, s.engaged_sessions)""")) {
      for (var entry : sessions.entrySet()) {
        var k = entry.getKey();
        st.setInt(1, slice);
        st.setString(2, k.organizationId());
        st.setDate(3, Date.valueOf(k.day()));
        st.setString(4, k.channel());
        st.setLong(5, (long) entry.getValue().a);
        st.setLong(6, (long) entry.getValue().b);
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  private static void writeCredits(Connection connection, int slice, Map<CreditKey, Sums> credits) throws SQLException {
    if (credits.isEmpty()) return;
    try (var st = connection.prepareStatement("""
        MERGE INTO attribution_daily t
        USING (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128)), CAST(? AS DATE), CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(256)),
                       CAST(? AS VARCHAR(32)), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)))
          AS s (projection_slice, organization_id, event_day, channel, campaign, attribution_model, conversions, revenue)
        ON t.projection_slice = s.projection_slice AND t.organization_id = s.organization_id AND t.event_day = s.event_day AND t.channel = s.channel
          AND t.campaign = s.campaign AND t.attribution_model = s.attribution_model
        WHEN MATCHED THEN UPDATE SET conversions = t.conversions + s.conversions, revenue = t.revenue + s.revenue
        WHEN NOT MATCHED THEN INSERT (projection_slice, organization_id, event_day, channel, campaign, attribution_model, conversions, revenue)
          VALUES (s.projection_slice, s.organization_id, s.event_day, s.channel, s.campaign, s.attribution_model, s.conversions, s.revenue)""")) {
      for (var entry : credits.entrySet()) {
        var k = entry.getKey();
        st.setInt(1, slice);
        st.setString(2, k.organizationId());
        st.setDate(3, Date.valueOf(k.day()));
        st.setString(4, k.channel());
        st.setString(5, k.campaign());
        st.setString(6, k.model());
        st.setDouble(7, entry.getValue().a);
        st.setDouble(8, entry.getValue().b);
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  private static void writePaths(Connection connection, int slice, Map<PathKey, Sums> paths) throws SQLException {
    if (paths.isEmpty()) return;
    try (var st = connection.prepareStatement("""
        MERGE INTO conversion_paths t
        USING (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(2048)), CAST(? AS BIGINT),
                       CAST(? AS DOUBLE PRECISION), CAST(? AS BIGINT)))
          AS s (projection_slice, organization_id, channel_path, conversions, conversion_value, non_conversions)
        ON t.projection_slice = s.projection_slice AND t.organization_id = s.organization_id AND t.channel_path = s.channel_path
        WHEN MATCHED THEN UPDATE SET conversions = t.conversions + s.conversions,
          conversion_value = t.conversion_value + s.conversion_value, non_conversions = t.non_conversions + s.non_conversions
        WHEN NOT MATCHED THEN INSERT (projection_slice, organization_id, channel_path, conversions, conversion_value, non_conversions)
          VALUES (s.projection_slice, s.organization_id, s.channel_path, s.conversions, s.conversion_value, s.non_conversions)""")) {
      for (var entry : paths.entrySet()) {
        var k = entry.getKey();
        st.setInt(1, slice);
        st.setString(2, k.organizationId());
        st.setString(3, k.path());
        st.setLong(4, (long) entry.getValue().a);
        st.setDouble(5, entry.getValue().b);
        st.setLong(6, entry.getValue().c);
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  private void writeFeed(Connection connection, List<JourneyBucket.JourneysUpdated> events, Set<String> organizations)
      throws SQLException {
    if (organizations.isEmpty()) return;
    // Only the newest feedSize items per organisation of a group can survive the trim below.
    var newest = new LinkedHashMap<String, java.util.ArrayDeque<FeedItem>>();
    for (var e : events) {
      var queue = newest.computeIfAbsent(e.organizationId(), k -> new java.util.ArrayDeque<>());
      for (var item : e.feed()) {
        queue.addLast(item);
        if (queue.size() > feedSize) queue.removeFirst();
      }
    }
    try (var st = connection.prepareStatement(
        "INSERT INTO live_event_feed (organization_id, event_time, event_name, user_id, channel, campaign) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (var entry : newest.entrySet()) {
        var items = new java.util.ArrayList<>(entry.getValue());
        items.sort(java.util.Comparator.comparingLong(FeedItem::timestampMillis));
        for (var item : items) {
          st.setString(1, entry.getKey());
          st.setTimestamp(2, new Timestamp(item.timestampMillis()));
          st.setString(3, item.name());
          st.setString(4, item.userId());
          st.setString(5, item.channel());
          st.setString(6, item.campaign());
          st.addBatch();
        }
      }
      st.executeBatch();
    }
    // Two indexed steps per organisation: the id of its feedSize-th newest row, then everything
    // older. (One DELETE with that as a subquery was the read side's largest cost on H2.)
    try (var oldest = connection.prepareStatement(
            "SELECT id FROM live_event_feed WHERE organization_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?");
        var trim = connection.prepareStatement("DELETE FROM live_event_feed WHERE organization_id = ? AND id < ?")) {
      var trims = 0;
      for (var org : organizations) {
        oldest.setString(1, org);
        oldest.setInt(2, feedSize - 1);
        try (var rs = oldest.executeQuery()) {
          if (!rs.next()) continue;
          trim.setString(1, org);
          trim.setLong(2, rs.getLong(1));
          trim.addBatch();
          trims++;
        }
      }
      if (trims > 0) trim.executeBatch();
    }
  }
}
