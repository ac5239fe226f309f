package dev.beacon.common;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The read side's JDBC in one place: prepare a statement, bind its parameters in order, then
 * read its rows, run it, or run it as one batch. The SQL goes to the driver as written. With a
 * {@link DataSource} a call borrows a connection and closes it; with a {@link Connection} it
 * works in the caller's transaction and never commits, rolls back or closes it (the projection
 * writes its rows and its offset in one transaction).
 *
 * <p>Why not Jdbi: it would do this, but it would change what callers see. Its exceptions are
 * unchecked, so the queries' {@code throws SQLException} would no longer be true. It parses SQL
 * for {@code :name} and {@code <name>} tokens. And a projection transaction would need a new
 * {@code Jdbi} around its connection each time, relying on Jdbi leaving alone a transaction it
 * did not open. These few methods keep plain JDBC without adding a dependency.
 *
 * <p>Parameters bind by type: {@code String}, {@code Integer}, {@code Long}, {@code Double},
 * {@code LocalDate} (as a SQL {@code DATE}) and {@code Timestamp}. {@code null} binds as a null
 * {@code VARCHAR}, as {@code setString(i, null)} does.
 */
public final class Sql {
  private Sql() {}

  /** Reads one row; the result set is already on it. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /** Takes one row; the result set is already on it. */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(ResultSet row) throws SQLException;
  }

  @FunctionalInterface
  private interface ResultReader<T> {
    T read(ResultSet rows) throws SQLException;
  }

  /** Work on the database that may throw {@link SQLException}. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work} on {@code blocking} (never on an actor's thread); a {@link SQLException} fails the future. */
  public static <T> CompletableFuture<T> async(Executor blocking, Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  /** Hands every row of the query, in order, to {@code rows}. */
  public static void forEach(DataSource dataSource, String sql, RowConsumer rows, Object... parameters) throws SQLException {
    try (var connection = dataSource.getConnection()) {
      query(connection, sql, parameters, rs -> {
        while (rs.next()) rows.accept(rs);
        return null;
      });
    }
  }

  /** Every row of the query, mapped in order, in a new mutable list. */
  public static <T> List<T> list(DataSource dataSource, String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
    var result = new ArrayList<T>();
    forEach(dataSource, sql, rs -> result.add(mapper.map(rs)), parameters);
    return result;
  }

  /** Every row of the query, mapped in order, in the caller's connection. */
  public static <T> List<T> list(Connection connection, String sql, RowMapper<T> mapper, Object... parameters)
      throws SQLException {
    return query(connection, sql, parameters, rs -> {
      var result = new ArrayList<T>();
      while (rs.next()) result.add(mapper.map(rs));
      return result;
    });
  }

  /** The first row of the query, mapped (no further row is read), or empty when there is none. */
  public static <T> Optional<T> first(Connection connection, String sql, RowMapper<T> mapper, Object... parameters)
      throws SQLException {
    return query(connection, sql, parameters, rs -> rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty());
  }

  /** Runs one statement; the number of rows it changed. */
  public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
    try (var statement = connection.prepareStatement(sql)) {
      bind(statement, parameters);
      return statement.executeUpdate();
    }
  }

  /**
   * Runs the statement once per item, with that item's parameters, as one JDBC batch; prepares
   * nothing when there are no items.
   */
  public static <T> void batch(Connection connection, String sql, Collection<T> items, Function<T, Object[]> parameters)
      throws SQLException {
    if (items.isEmpty()) return;
    try (var statement = connection.prepareStatement(sql)) {
      for (var item : items) {
        bind(statement, parameters.apply(item));
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  private static <T> T query(Connection connection, String sql, Object[] parameters, ResultReader<T> reader) throws SQLException {
    try (var statement = connection.prepareStatement(sql)) {
      bind(statement, parameters);
      try (var rs = statement.executeQuery()) {
        return reader.read(rs);
      }
    }
  }

  private static void bind(PreparedStatement statement, Object[] parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      var index = i + 1;
      var value = parameters[i];
      if (value == null) statement.setNull(index, Types.VARCHAR);
      else if (value instanceof String s) statement.setString(index, s);
      else if (value instanceof Integer n) statement.setInt(index, n);
      else if (value instanceof Long n) statement.setLong(index, n);
      else if (value instanceof Double d) statement.setDouble(index, d);
      else if (value instanceof LocalDate d) statement.setDate(index, Date.valueOf(d));
      else if (value instanceof Timestamp t) statement.setTimestamp(index, t);
      else if (value instanceof byte[] b) statement.setBytes(index, b);
      else throw new IllegalArgumentException("no binding for parameter " + index + " of type " + value.getClass().getName());
    }
  }
}
