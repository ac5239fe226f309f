package dev.beacon.common;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * The connection pool of the read side: projections write through it (one transaction per
 * group of envelopes, offsets in the same transaction) and query routes read through it.
 */
public final class ReadSideDatabase implements AutoCloseable {
  private final HikariDataSource dataSource;

  public ReadSideDatabase(DatabaseSettings settings, int poolSize) {
    var config = new HikariConfig();
    config.setJdbcUrl(settings.effectiveUrl());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(poolSize);
    config.setAutoCommit(false);
    config.setPoolName("beacon-read-side");
    this.dataSource = new HikariDataSource(config);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** A session for one projection transaction. */
  public Session session() {
    try {
      return new Session(dataSource.getConnection());
    } catch (SQLException e) {
      throw new IllegalStateException("no read-side connection", e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  /** One JDBC connection in one transaction, as Pekko Projections' JDBC support wants it. */
  public static final class Session implements JdbcSession {
    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>();

    Session(Connection connection) {
      this.connection = connection;
    }

    @Override
    public <Result> Result withConnection(Function<Connection, Result> func) throws Exception {
      return func.apply(connection);
    }

    /** Runs {@code action} once this session's transaction committed (never after a rollback). */
    public void afterCommit(Runnable action) {
      afterCommit.add(action);
    }

    @Override
    public void commit() throws SQLException {
      connection.commit();
      afterCommit.forEach(Runnable::run);
      afterCommit.clear();
    }

    @Override
    public void rollback() throws SQLException {
      afterCommit.clear();
      connection.rollback();
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }
}
