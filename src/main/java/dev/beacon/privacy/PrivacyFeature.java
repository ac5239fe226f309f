package dev.beacon.privacy;

import dev.beacon.common.ReadSideDatabase;
import dev.beacon.security.Access;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The right to be forgotten plugged into a server: the erasure requests' store, the
 * {@link Erasures} singleton that works them through the parts that hold users' data, and the
 * routes, the retention it enforces between requests and the audit. {@code readers}: per entity type, the projections that must read its journal rows
 * before an erasure may delete them ({@link JournalCompaction}).
 */
public final class PrivacyFeature {
  private final Route routes;

  private PrivacyFeature(Route routes) {
    this.routes = routes;
  }

  public static PrivacyFeature start(ActorSystem<?> system, PrivacySettings settings, ReadSideDatabase readSide,
      List<UserForgetting> parts, JourneyJournals journeys, Map<String, List<String>> readers, Access access,
      Pattern organizationIdPattern, Duration askTimeout, Clock clock) {
    var blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    var store = new ErasureStore(readSide.dataSource());
    var compaction = new JournalCompaction(readSide.dataSource(), readers);
    var retention = new Retention(readSide.dataSource(), settings, journeys, compaction, clock, askTimeout.multipliedBy(3));
    var erasures = Erasures.start(system, store, parts, compaction, retention, blocking, clock, settings);
    var audit = new PrivacyAudit(store, retention, journeys, settings, askTimeout);
    return new PrivacyFeature(new PrivacyRoutes(store, erasures, audit, access, organizationIdPattern, blocking, clock).routes());
  }

  public Route routes() {
    return routes;
  }
}
