package dev.beacon.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.beacon.common.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Which journey a user's events join, when senders name users by a known id ({@code userId})
 * and, before sign-in, by an anonymous one ({@code anonymousId}), as Segment's libraries do.
 * Every id an organisation's events name has a row, {@code identity_links}: the user whose
 * journey its events join. The rules, applied in the order events arrive:
 *
 * <ul>
 *   <li>An id first seen alone joins its own journey.
 *   <li>An event with both ids (an identify, an alias, or any call made after sign-in) joins the
 *       known id's journey if it has one, else the anonymous id's, else the known id starts one.
 *       The anonymous id then points there too, so the anonymous events before sign-in and the
 *       known ones after form one journey: the usual case, a visitor who browses, signs in and
 *       buys (from the browser or the server).
 *   <li>An anonymous id that already joined its own journey and now meets a known user with a
 *       journey of their own (a known user signing in on a new device) points to the user's
 *       journey from then on; its earlier events stay in their own journey. Journeys are not
 *       merged after the fact: Beacon keeps no raw events to replay under another key. An
 *       anonymous id already tied to another known user stays with them (a shared device).
 * </ul>
 *
 * <p>Answers are cached per node. A link changes at most once, from an id's own journey to a
 * known user's; another node may send a few events to the old journey until its cached answer
 * expires ({@code cacheTtl}).
 */
public final class IdentityLinks {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final int ATTEMPTS = 5;
  private final DataSource dataSource;
  private final Clock clock;
  private final Cache<String, String> journeys;

  public IdentityLinks(DataSource dataSource, Clock clock, int cacheSize, Duration cacheTtl) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.journeys = Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).build();
  }

  /** The ids one event names: a known user id, an anonymous id, or both. */
  public record Ids(String userId, String anonymousId) {
    public Ids {
      if (userId == null && anonymousId == null) throw new IllegalArgumentException("an event names a user or an anonymous id");
    }
  }

  /**
   * The journey user of each event, in order, linking ids as the rules say. Blocking: run it on
   * the blocking dispatcher.
   */
  public List<String> journeyUsers(String organizationId, List<Ids> events) throws SQLException {
    var cached = new ArrayList<String>(events.size());
    for (var ids : events) {
      var hit = cachedJourney(organizationId, ids);
      if (hit == null) return resolve(organizationId, events);
      cached.add(hit);
    }
    return cached;
  }

  /** The journey user of an id, as the links say; the id itself when it has no link. */
  public String journeyUserOf(String organizationId, String id) throws SQLException {
    var cached = journeys.getIfPresent(key(organizationId, id));
    if (cached != null) return cached;
    try (var connection = dataSource.getConnection()) {
      var linked = link(connection, organizationId, id).orElse(id);
      connection.commit();
      return linked;
    }
  }

  /** A journey user and every id that joins their journey (the user among them). */
  public record Person(String journeyUserId, Set<String> ids) {}

  /** The person an id belongs to: its journey user and that journey's ids. */
  public Person personOf(String organizationId, String id) throws SQLException {
    try (var connection = dataSource.getConnection()) {
      var journeyUser = link(connection, organizationId, id).orElse(id);
      var ids = new LinkedHashSet<String>();
      ids.add(id);
      ids.add(journeyUser);
      ids.addAll(Sql.list(connection, "SELECT id FROM identity_links WHERE organization_id = ? AND journey_user_id = ?",
          rs -> rs.getString(1), organizationId, journeyUser));
      connection.commit();
      return new Person(journeyUser, ids);
    }
  }

  /** Deletes the links of a person's ids (an erasure); the node's cached answers for them go too. */
  public void forget(String organizationId, Person person) throws SQLException {
    try (var connection = dataSource.getConnection()) {
      for (var id : person.ids()) {
        Sql.update(connection, "DELETE FROM identity_links WHERE organization_id = ? AND id = ?", organizationId, id);
        journeys.invalidate(key(organizationId, id));
      }
      Sql.update(connection, "DELETE FROM identity_links WHERE organization_id = ? AND journey_user_id = ?",
          organizationId, person.journeyUserId());
      connection.commit();
    }
  }

  /** The cached answer for an event, when its ids need no new link; null to ask the database. */
  private String cachedJourney(String organizationId, Ids ids) {
    var known = ids.userId() == null ? null : journeys.getIfPresent(key(organizationId, ids.userId()));
    if (ids.anonymousId() == null) return known;
    var anonymous = journeys.getIfPresent(key(organizationId, ids.anonymousId()));
    if (ids.userId() == null) return anonymous;
    // both linked to one journey: nothing to link
    return known != null && known.equals(anonymous) ? known : null;
  }

  /**
   * Each event's journey, each link committed on its own: two clients linking the same ids at
   * once never wait on each other's locks (a transaction over several rows could deadlock); the
   * one whose insert loses reads what the other decided and resolves that event again. The rules
   * hold after any prefix of the inserts, so a crash between two leaves nothing to repair.
   */
  private List<String> resolve(String organizationId, List<Ids> events) throws SQLException {
    try (var connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      var found = new ArrayList<String>(events.size());
      for (var ids : events) {
        var resolved = resolveAgainIfRaced(connection, organizationId, ids);
        remember(organizationId, ids, resolved);
        found.add(resolved.journey());
      }
      return found;
    }
  }

  /** What one event's ids resolved to: its journey, and the journey its anonymous id now points to (null: none). */
  private record Resolved(String journey, String anonymousJourney) {}

  private Resolved resolveAgainIfRaced(Connection connection, String org, Ids ids) throws SQLException {
    for (var attempt = 1; ; attempt++) {
      try {
        return resolve(connection, org, ids);
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt >= ATTEMPTS) throw e;
      }
    }
  }

  private Resolved resolve(Connection connection, String org, Ids ids) throws SQLException {
    var known = ids.userId() == null ? Optional.<String>empty() : link(connection, org, ids.userId());
    var anonymous = ids.anonymousId() == null ? Optional.<String>empty() : link(connection, org, ids.anonymousId());
    if (ids.anonymousId() == null) {
      if (known.isPresent()) return new Resolved(known.get(), null);
      insert(connection, org, ids.userId(), ids.userId());
      return new Resolved(ids.userId(), null);
    }
    if (ids.userId() == null) {
      if (anonymous.isPresent()) return new Resolved(anonymous.get(), anonymous.get());
      insert(connection, org, ids.anonymousId(), ids.anonymousId());
      return new Resolved(ids.anonymousId(), ids.anonymousId());
    }
    if (known.isPresent()) {
      var journey = known.get();
      if (anonymous.isEmpty()) {
        insert(connection, org, ids.anonymousId(), journey);
        return new Resolved(journey, journey);
      }
      if (anonymous.get().equals(ids.anonymousId()) && !journey.equals(ids.anonymousId())) {
        // an anonymous id on its own journey meets a known user's: it follows the user from now on
        Sql.update(connection, "UPDATE identity_links SET journey_user_id = ?, linked_at = ? "
            + "WHERE organization_id = ? AND id = ? AND journey_user_id = id", journey, now(), org, ids.anonymousId());
        return new Resolved(journey, journey);
      }
      // already another user's (a shared device), or already this one's
      return new Resolved(journey, anonymous.get());
    }
    var journey = anonymous.orElse(ids.userId());
    insert(connection, org, ids.userId(), journey);
    if (anonymous.isEmpty()) insert(connection, org, ids.anonymousId(), journey);
    return new Resolved(journey, journey);
  }

  /** Caches what an event's ids now point to. */
  private void remember(String org, Ids ids, Resolved resolved) {
    if (ids.userId() != null) journeys.put(key(org, ids.userId()), resolved.journey());
    if (ids.anonymousId() != null) journeys.put(key(org, ids.anonymousId()), resolved.anonymousJourney());
  }

  private static Optional<String> link(Connection connection, String org, String id) throws SQLException {
    return Sql.first(connection, "SELECT journey_user_id FROM identity_links WHERE organization_id = ? AND id = ?",
        rs -> rs.getString(1), org, id);
  }

  private void insert(Connection connection, String org, String id, String journeyUser) throws SQLException {
    Sql.update(connection, "INSERT INTO identity_links (organization_id, id, journey_user_id, linked_at) VALUES (?, ?, ?, ?)",
        org, id, journeyUser, now());
  }

  private Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  private static String key(String org, String id) {
    return org + "\u0000" + id;
  }
}
