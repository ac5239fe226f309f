package dev.beacon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read side's JDBC helper, against H2 in memory. */
class SqlTest {
  private static final String INSERT = "INSERT INTO item (name, slot, total, share, event_day, event_time) VALUES (?, ?, ?, ?, ?, ?)";

  private final JdbcDataSource dataSource = new JdbcDataSource();
  private Connection keepAlive;

  @BeforeEach
  void createTable() throws SQLException {
    dataSource.setURL("jdbc:h2:mem:sql-test");
    keepAlive = dataSource.getConnection();
    try (var st = keepAlive.createStatement()) {
      st.execute("CREATE TABLE item (name VARCHAR(32), slot INTEGER, total BIGINT, share DOUBLE PRECISION, event_day DATE,"
          + " event_time TIMESTAMP WITH TIME ZONE)");
    }
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    keepAlive.close();
  }

  private record Item(String name, int slot, long total, double share, LocalDate day, Timestamp at) {}

  private static Object[] parameters(Item i) {
    return new Object[] {i.name(), i.slot(), i.total(), i.share(), i.day(), i.at()};
  }

  private List<Item> all() throws SQLException {
    return Sql.list(dataSource, "SELECT name, slot, total, share, event_day, event_time FROM item WHERE slot >= ? ORDER BY slot",
        rs -> new Item(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getDouble(4),
            rs.getDate(5) == null ? null : rs.getDate(5).toLocalDate(), rs.getTimestamp(6)), 0);
  }

  @Test
  void batchBindsEveryTypeInOrderAndListReadsTheRowsBack() throws SQLException {
    var items = List.of(
        new Item("a", 1, 10_000_000_000L, 0.25, LocalDate.of(2024, 2, 29), new Timestamp(1_700_000_000_000L)),
        new Item(null, 2, 0, 1.5, LocalDate.of(1999, 12, 31), new Timestamp(0)));
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      Sql.batch(c, INSERT, items, SqlTest::parameters);
      c.commit();
    }
    assertEquals(items, all());
  }

  @Test
  void writesOnACallersConnectionStayInItsTransaction() throws SQLException {
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      Sql.batch(c, INSERT, List.of(new Item("a", 1, 1, 1, null, null)), SqlTest::parameters);
      assertEquals(1, Sql.update(c, "UPDATE item SET total = total + ? WHERE name = ?", 5L, "a"));
      assertEquals(Optional.of(6L), Sql.first(c, "SELECT total FROM item WHERE name = ?", rs -> rs.getLong(1), "a"));
      assertTrue(all().isEmpty(), "nothing is committed by the helper");
      c.rollback();
      assertFalse(c.isClosed(), "the caller's connection stays open");
    }
    assertTrue(all().isEmpty());
  }

  @Test
  void firstReadsOnlyTheFirstRowAndIsEmptyWithoutOne() throws SQLException {
    try (var c = dataSource.getConnection()) {
      Sql.batch(c, INSERT, List.of(new Item("b", 2, 0, 0, null, null), new Item("a", 1, 0, 0, null, null)), SqlTest::parameters);
      assertEquals(Optional.of("a"), Sql.first(c, "SELECT name FROM item ORDER BY slot", rs -> rs.getString(1)));
      assertEquals(Optional.empty(), Sql.first(c, "SELECT name FROM item WHERE slot > ?", rs -> rs.getString(1), 5));
    }
  }

  @Test
  void forEachHandsEveryRowInOrder() throws SQLException {
    try (var c = dataSource.getConnection()) {
      Sql.batch(c, INSERT, List.of(new Item("b", 2, 0, 0, null, null), new Item("a", 1, 0, 0, null, null)), SqlTest::parameters);
    }
    var names = new ArrayList<String>();
    Sql.forEach(dataSource, "SELECT name FROM item ORDER BY name DESC", rs -> names.add(rs.getString(1)));
    assertEquals(List.of("b", "a"), names);
  }

  @Test
  void anEmptyBatchPreparesNothing() throws SQLException {
    try (var c = dataSource.getConnection()) {
      Sql.batch(c, "NOT SQL AT ALL", List.<Object[]>of(), Function.identity());
    }
    assertThrows(SQLException.class, () -> {
      try (var c = dataSource.getConnection()) {
        Sql.batch(c, "NOT SQL AT ALL", List.<Object[]>of(new Object[] {1}), Function.identity());
      }
    });
  }

  @Test
  void aParameterOfAnUnknownTypeIsRefused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Sql.list(dataSource, "SELECT name FROM item WHERE name = ?", rs -> rs.getString(1), new StringBuilder("a")));
    assertTrue(e.getMessage().contains("parameter 1"), e.getMessage());
  }
}
