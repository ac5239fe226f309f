package dev.beacon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;

/**
 * GA4 journeys whose read-table totals are known in advance: each user lands once, yesterday,
 * from one of three channels (paid search, paid social, direct), and every other user buys in
 * that session for a whole number of dollars. So every attribution model credits each purchase
 * in full to its one touch, and each user is one session, engaged when it converted.
 */
public final class Journeys {
  private static final String[][] LANDINGS = {{"google", "cpc", "spring"}, {"facebook", "paid_social", "retarget"},
      {"(direct)", "(none)", "(direct)"}};
  private static final List<String> MODELS = List.of("first_click", "last_click", "linear", "position_based", "time_decay");
  public final String organizationId;
  public final List<ProducerRecord<String, byte[]>> records;
  /** What the read tables must hold for the organisation, each journey counted once. */
  public final ReadTotals expected;

  /** Sessions and engaged sessions; conversions and revenue per model; conversions and value over all paths. */
  public record ReadTotals(long sessions, long engagedSessions, Map<String, List<Double>> byModel, long pathConversions,
      double pathValue) {}

  private Journeys(String organizationId, List<ProducerRecord<String, byte[]>> records, ReadTotals expected) {
    this.organizationId = organizationId;
    this.records = records;
    this.expected = expected;
  }

  /** The journeys of users {@code from} (inclusive) to {@code to} (exclusive). */
  public static Journeys generate(String topic, String organizationId, int from, int to) {
    var start = LocalDate.now(ZoneOffset.UTC).minusDays(1).atTime(8, 0).toInstant(ZoneOffset.UTC);
    long buyers = 0;
    long revenue = 0;
    var records = new ArrayList<ProducerRecord<String, byte[]>>();
    for (int i = from; i < to; i++) {
      var at = start.plusSeconds(10L * i);
      records.add(row(topic, organizationId, i, "page_view", at, LANDINGS[i % 3], null));
      if (i % 2 == 0) {
        var dollars = 1 + i % 50;
        records.add(row(topic, organizationId, i, "purchase", at.plusSeconds(5), null,
            "{\"purchase_revenue_in_usd\":" + dollars + ",\"transaction_id\":\"T" + i + "\"}"));
        buyers++;
        revenue += dollars;
      }
    }
    var byModel = new TreeMap<String, List<Double>>();
    for (var model : MODELS) byModel.put(model, List.of((double) buyers, (double) revenue));
    return new Journeys(organizationId, records, new ReadTotals(to - from, buyers, byModel, buyers, revenue));
  }

  private static ProducerRecord<String, byte[]> row(String topic, String org, int user, String name, Instant at,
      String[] landing, String ecommerce) {
    var params = new StringBuilder("[{\"key\":\"ga_session_id\",\"value\":{\"int_value\":" + user + "}}");
    if (landing != null) {
      String[] keys = {"source", "medium", "campaign"};
      for (int k = 0; k < 3; k++) {
        params.append(",{\"key\":\"").append(keys[k]).append("\",\"value\":{\"string_value\":\"").append(landing[k]).append("\"}}");
      }
    }
    params.append(']');
    var json = "{\"event_name\":\"" + name + "\",\"event_timestamp\":" + at.toEpochMilli() * 1000 + ",\"user_pseudo_id\":\"u" + user
        + "\",\"organizationId\":\"" + org + "\",\"event_params\":" + params + ",\"ecommerce\":" + (ecommerce == null ? "null" : ecommerce) + "}";
    return new ProducerRecord<>(topic, org + "|u" + user, json.getBytes(StandardCharsets.UTF_8));
  }

  /** What the read tables hold for the organisation, summed over the projection's slices. */
  public ReadTotals read(TestDatabase db) throws SQLException {
    try (var c = db.connect()) {
      var sessions = sums(c, "SELECT SUM(sessions), SUM(engaged_sessions) FROM session_daily WHERE organization_id = ?");
      var byModel = new TreeMap<String, List<Double>>();
      for (var row : rows(c, "SELECT attribution_model, SUM(conversions), SUM(revenue) FROM attribution_daily"
          + " WHERE organization_id = ? GROUP BY attribution_model")) {
        byModel.put((String) row[0], List.of(((Number) row[1]).doubleValue(), ((Number) row[2]).doubleValue()));
      }
      var paths = sums(c, "SELECT SUM(conversions), SUM(conversion_value) FROM conversion_paths WHERE organization_id = ?");
      return new ReadTotals((long) sessions[0], (long) sessions[1], byModel, (long) paths[0], paths[1]);
    }
  }

  /** The columns of the one row of a sum over the organisation's rows (0 where there are none). */
  private double[] sums(Connection c, String sql) throws SQLException {
    var row = rows(c, sql).get(0);
    var sums = new double[row.length];
    for (int i = 0; i < row.length; i++) sums[i] = row[i] == null ? 0 : ((Number) row[i]).doubleValue();
    return sums;
  }

  private List<Object[]> rows(Connection c, String sql) throws SQLException {
    try (var st = c.prepareStatement(sql)) {
      st.setString(1, organizationId);
      try (var rs = st.executeQuery()) {
        var rows = new ArrayList<Object[]>();
        while (rs.next()) {
          var row = new Object[rs.getMetaData().getColumnCount()];
          for (int i = 0; i < row.length; i++) row[i] = rs.getObject(i + 1);
          rows.add(row);
        }
        return rows;
      }
    }
  }

  /** Waits until the read tables hold exactly the expected totals. */
  public void awaitReadTables(TestDatabase db, Duration atMost) {
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(read(db)).isEqualTo(expected));
  }

  /** The same, and they stay so for a second: a group written twice would show by then. */
  public void awaitSteadyReadTables(TestDatabase db, Duration atMost) {
    awaitReadTables(db, atMost);
    Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(read(db)).isEqualTo(expected));
  }
}
