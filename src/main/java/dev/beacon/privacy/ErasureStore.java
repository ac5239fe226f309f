package dev.beacon.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.beacon.common.Json;
import dev.beacon.common.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The erasure requests in {@code erasure_requests}: recorded when asked, worked through by
 * {@link Erasures}, and kept once done as the audit record, without the user id.
 */
public final class ErasureStore {
  /** Asked, not done yet: the user id is still there for the work to resume from. */
  public static final String PENDING = "pending";
  /** Done: the user id is gone from the row. */
  public static final String DONE = "done";

  private static final String COLUMNS =
      "id, organization_id, user_id, state, requested_at, completed_at, attempts, progress, last_error";
  private final DataSource dataSource;

  public ErasureStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One request. {@code userId} is null once done; {@code progress} lists the steps done so far,
   * each a short line that names no one.
   */
  public record Erasure(String id, String organizationId, String userId, String state, Instant requestedAt,
      Instant completedAt, int attempts, List<String> progress, String lastError) {}

  /** Records a request and returns it. */
  public Erasure request(String organizationId, String userId, Instant now) throws SQLException {
    var erasure = new Erasure(UUID.randomUUID().toString(), organizationId, userId, PENDING, now, null, 0, List.of(), null);
    try (var connection = dataSource.getConnection()) {
      Sql.update(connection, "INSERT INTO erasure_requests (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL, 0, ?, NULL)",
          erasure.id(), organizationId, userId, PENDING, Timestamp.from(now), json(List.of()));
    }
    return erasure;
  }

  /** The request of that id in that organisation. */
  public Optional<Erasure> find(String organizationId, String id) throws SQLException {
    try (var connection = dataSource.getConnection()) {
      return Sql.first(connection, "SELECT " + COLUMNS + " FROM erasure_requests WHERE id = ? AND organization_id = ?",
          ErasureStore::erasure, id, organizationId);
    }
  }

  /** The organisation's requests, newest first, at most {@code limit}. */
  public List<Erasure> of(String organizationId, int limit) throws SQLException {
    var all = Sql.list(dataSource, "SELECT " + COLUMNS + " FROM erasure_requests WHERE organization_id = ? "
        + "ORDER BY requested_at DESC, id", ErasureStore::erasure, organizationId);
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  /** Requests not done yet, oldest first. */
  public List<Erasure> pending() throws SQLException {
    return Sql.list(dataSource, "SELECT " + COLUMNS + " FROM erasure_requests WHERE state = ? ORDER BY requested_at, id",
        ErasureStore::erasure, PENDING);
  }

  /** Another attempt began: counted, and its error (if the last one failed) kept. */
  public void attempted(String id, String error) throws SQLException {
    try (var connection = dataSource.getConnection()) {
      Sql.update(connection, "UPDATE erasure_requests SET attempts = attempts + 1, last_error = ? WHERE id = ?",
          error == null ? null : error.length() > 1000 ? error.substring(0, 1000) : error, id);
    }
  }

  /** The steps done so far. */
  public void progressed(String id, List<String> progress) throws SQLException {
    try (var connection = dataSource.getConnection()) {
      Sql.update(connection, "UPDATE erasure_requests SET progress = ? WHERE id = ?", json(progress), id);
    }
  }

  /** Done: the user id leaves the row, which stays as the audit record. */
  public void completed(String id, List<String> progress, Instant now) throws SQLException {
    try (var connection = dataSource.getConnection()) {
      Sql.update(connection, "UPDATE erasure_requests SET state = ?, user_id = NULL, completed_at = ?, progress = ?, "
          + "last_error = NULL WHERE id = ?", DONE, Timestamp.from(now), json(progress), id);
    }
  }

  private static Erasure erasure(ResultSet row) throws SQLException {
    var completed = row.getTimestamp("completed_at");
    return new Erasure(row.getString("id"), row.getString("organization_id"), row.getString("user_id"),
        row.getString("state"), row.getTimestamp("requested_at").toInstant(), completed == null ? null : completed.toInstant(),
        row.getInt("attempts"), progress(row.getString("progress")), row.getString("last_error"));
  }

  private static String json(List<String> progress) {
    try {
      return Json.MAPPER.writeValueAsString(progress);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings always writes", e);
    }
  }

  private static List<String> progress(String json) throws SQLException {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("erasure_requests.progress is not a JSON array of strings: " + e.getOriginalMessage(), e);
    }
  }
}
