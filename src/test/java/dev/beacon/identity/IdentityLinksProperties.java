package dev.beacon.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.identity.IdentityLinks.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Identity links against an oracle: any sequence of Segment calls (a known id, an anonymous id,
 * or both, from a few users and devices), sent in requests of any size to two nodes in turn,
 * resolves each call to the journey the rules of {@link IdentityLinks} give, written plainly
 * over a map; and afterwards every id reads as the oracle says: on one node that keeps answers in
 * mind (what it remembers never changes its answers), and on two that keep none, in turn.
 */
class IdentityLinksProperties {
  private static ReadSideDatabase pool;

  @BeforeContainer
  static void migrate() {
    var settings = new DatabaseSettings("jdbc:h2:mem:identity-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "beacon", "", 2);
    Database.migrate(settings);
    pool = new ReadSideDatabase(settings, 2);
  }

  @AfterContainer
  static void close() {
    pool.close();
  }

  /** One call: a user id (u0..u2), an anonymous id (a0..a3), or both; and whether it ends a request. */
  record Call(Ids ids, boolean endsRequest) {}

  @Provide
  Arbitrary<List<Call>> calls() {
    var user = Arbitraries.of("u0", "u1", "u2").injectNull(0.4);
    var device = Arbitraries.of("a0", "a1", "a2", "a3").injectNull(0.3);
    var ids = Combinators.combine(user, device).as((u, a) -> u == null && a == null ? new Ids(null, "a0") : new Ids(u, a));
    return Combinators.combine(ids, Arbitraries.of(true, false)).as(Call::new).list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 200)
  void everyCallJoinsTheJourneyTheRulesGiveOnANodeThatRemembers(@ForAll("calls") List<Call> calls) throws Exception {
    var node = new IdentityLinks(pool.dataSource(), Clock.systemUTC(), 100, Duration.ofHours(1));
    check(calls, List.of(node));
  }

  /** Nodes that remember nothing agree with each other at once (one that remembers may lag: its cache TTL). */
  @Property(tries = 200)
  void everyCallJoinsTheJourneyTheRulesGiveOnNodesInTurn(@ForAll("calls") List<Call> calls) throws Exception {
    check(calls, List.of(new IdentityLinks(pool.dataSource(), Clock.systemUTC(), 100, Duration.ZERO),
        new IdentityLinks(pool.dataSource(), Clock.systemUTC(), 100, Duration.ZERO)));
  }

  private static void check(List<Call> calls, List<IdentityLinks> nodes) throws Exception {
    var org = "org-" + UUID.randomUUID();
    var oracle = new Oracle();
    var request = new ArrayList<Ids>();
    var turn = 0;
    for (var i = 0; i < calls.size(); i++) {
      request.add(calls.get(i).ids());
      if (!calls.get(i).endsRequest() && i < calls.size() - 1) continue;
      var node = nodes.get(turn++ % nodes.size());
      var expected = new ArrayList<String>();
      for (var ids : request) expected.add(oracle.resolve(ids));
      assertThat(node.journeyUsers(org, request)).as("request %s", request).isEqualTo(expected);
      request.clear();
    }
    var reader = new IdentityLinks(pool.dataSource(), Clock.systemUTC(), 100, Duration.ZERO);
    for (var id : List.of("u0", "u1", "u2", "a0", "a1", "a2", "a3")) {
      assertThat(reader.journeyUserOf(org, id)).as(id).isEqualTo(oracle.links.getOrDefault(id, id));
    }
  }

  /** The rules, over a map from each id seen to the journey its events join. */
  static final class Oracle {
    final Map<String, String> links = new HashMap<>();

    String resolve(Ids ids) {
      var u = ids.userId();
      var a = ids.anonymousId();
      if (a == null) return links.computeIfAbsent(u, id -> id);
      if (u == null) return links.computeIfAbsent(a, id -> id);
      if (links.containsKey(u)) {
        var journey = links.get(u);
        if (!links.containsKey(a)) links.put(a, journey);
        else if (links.get(a).equals(a)) links.put(a, journey);
        return journey;
      }
      var journey = links.getOrDefault(a, u);
      links.put(u, journey);
      links.putIfAbsent(a, journey);
      return journey;
    }
  }
}
