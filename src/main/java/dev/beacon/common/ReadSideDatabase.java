package dev.beacon.common;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
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

    Session(Connection connection) {
      this.connection = connection;
    }

    @Override
    public <Result> Result withConnection(Function<Connection, Result> func) throws Exception {
      return func.apply(connection);
    }

    @Override
    public void commit() throws SQLException {
      connection.commit();
    }

    @Override
    public void rollback() throws SQLException {
      connection.rollback();
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }
}
