package dev.beacon.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.beacon.common.JsonIds;
import dev.beacon.common.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
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
  /** The longest id identity_links keeps: its column (beacon.events.max-id-length's default). */
  public static final int MAX_ID_LENGTH = 256;
  private static final String UNIQUE_VIOLATION = "23505";
  /** What a request that met another's writes fails with: a unique key taken, a deadlock, a serialization failure, H2's lock timeout. */
  private static final Set<String> RACED = Set.of(UNIQUE_VIOLATION, "40P01", "40001", "HYT00");
  private static final int ATTEMPTS = 5;
  private static final int READ_CHUNK = 500;
  private final DataSource dataSource;
  private final Clock clock;
  private final Cache<String, String> journeys;

  public IdentityLinks(DataSource dataSource, Clock clock, int cacheSize, Duration cacheTtl) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.journeys = Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).build();
  }

  /** Why identity_links cannot keep {@code id}, or null when it can: the project's id rule at the column's length. */
  public static String problem(String id) {
    return JsonIds.problem(TextNode.valueOf(id), MAX_ID_LENGTH);
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
   * Each event's journey: the links of every id the request names read at once, the rules applied
   * in memory in the order of the events, and the new links written in one transaction, in the
   * order of their ids, so that two requests writing the same ids take their locks in one order
   * and never deadlock. A request whose write meets another's (the same new id, or an id moved
   * meanwhile) reads again and resolves again. One read and one commit a request: a commit per new
   * id was what a batch of new visitors cost before.
   */
  private List<String> resolve(String organizationId, List<Ids> events) throws SQLException {
    for (var attempt = 1; ; attempt++) {
      try (var connection = dataSource.getConnection()) {
        try {
          var links = read(connection, organizationId, events);
          var rules = new Rules(links);
          var found = new ArrayList<String>(events.size());
          for (var ids : events) found.add(rules.resolve(ids));
          write(connection, organizationId, rules);
          connection.commit();
          for (var ids : events) remember(organizationId, ids, rules.links);
          return found;
        } catch (SQLException e) {
          connection.rollback();
          if (!RACED.contains(e.getSQLState()) || attempt >= ATTEMPTS) throw e;
        }
      }
    }
  }

  /** The links of every id the events name. */
  private static Map<String, String> read(Connection connection, String org, List<Ids> events) throws SQLException {
    var ids = new TreeSet<String>();
    for (var e : events) {
      if (e.userId() != null) ids.add(e.userId());
      if (e.anonymousId() != null) ids.add(e.anonymousId());
    }
    var links = new HashMap<String, String>();
    var all = new ArrayList<>(ids);
    for (var from = 0; from < all.size(); from += READ_CHUNK) {
      var chunk = all.subList(from, Math.min(all.size(), from + READ_CHUNK));
      var parameters = new ArrayList<Object>(chunk.size() + 1);
      parameters.add(org);
      parameters.addAll(chunk);
      Sql.list(connection, "SELECT id, journey_user_id FROM identity_links WHERE organization_id = ? AND id IN ("
          + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")",
          rs -> links.put(rs.getString(1), rs.getString(2)), parameters.toArray());
    }
    return links;
  }

  /** The new links and the moved ones, in the order of their ids; a move of a link moved meanwhile is a race. */
  private void write(Connection connection, String org, Rules rules) throws SQLException {
    var now = now();
    Sql.batch(connection, "INSERT INTO identity_links (organization_id, id, journey_user_id, linked_at) VALUES (?, ?, ?, ?)",
        rules.inserted.entrySet(), link -> new Object[] {org, link.getKey(), link.getValue(), now});
    for (var moved : rules.moved.entrySet()) {
      var changed = Sql.update(connection, "UPDATE identity_links SET journey_user_id = ?, linked_at = ? "
          + "WHERE organization_id = ? AND id = ? AND journey_user_id = id", moved.getValue(), now, org, moved.getKey());
      if (changed != 1) throw new SQLException("identity link of an id moved meanwhile", UNIQUE_VIOLATION);
    }
  }

  /**
   * The rules of the class comment over the links read, in memory: what each event resolves to,
   * and which links that makes new ({@code inserted}) or moves from an id's own journey to a
   * known user's ({@code moved}).
   */
  private static final class Rules {
    final Map<String, String> links;
    final SortedMap<String, String> inserted = new TreeMap<>();
    final SortedMap<String, String> moved = new TreeMap<>();

    Rules(Map<String, String> links) {
      this.links = links;
    }

    String resolve(Ids ids) {
      var user = ids.userId();
      var anonymous = ids.anonymousId();
      if (anonymous == null) return linkOrOwn(user);
      if (user == null) return linkOrOwn(anonymous);
      var known = links.get(user);
      if (known != null) {
        var was = links.get(anonymous);
        if (was == null) link(anonymous, known);
        else if (was.equals(anonymous) && !known.equals(anonymous)) move(anonymous, known);
        return known;
      }
      var journey = links.getOrDefault(anonymous, user);
      link(user, journey);
      if (!links.containsKey(anonymous)) link(anonymous, journey);
      return journey;
    }

    private String linkOrOwn(String id) {
      var journey = links.get(id);
      if (journey != null) return journey;
      link(id, id);
      return id;
    }

    private void link(String id, String journey) {
      links.put(id, journey);
      inserted.put(id, journey);
    }

    private void move(String id, String journey) {
      links.put(id, journey);
      // moved before it was written: the insert carries the new journey
      if (inserted.containsKey(id)) inserted.put(id, journey);
      else moved.put(id, journey);
    }
  }

  /** Caches what an event's ids now point to. */
  private void remember(String org, Ids ids, Map<String, String> links) {
    if (ids.userId() != null) journeys.put(key(org, ids.userId()), links.get(ids.userId()));
    if (ids.anonymousId() != null) journeys.put(key(org, ids.anonymousId()), links.get(ids.anonymousId()));
  }

  private static Optional<String> link(Connection connection, String org, String id) throws SQLException {
    return Sql.first(connection, "SELECT journey_user_id FROM identity_links WHERE organization_id = ? AND id = ?",
        rs -> rs.getString(1), org, id);
  }

  private Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  private static String key(String org, String id) {
    return org + "\u0000" + id;
  }
}
