package dev.beacon.privacy;

import dev.beacon.common.ReadSideDatabase;
import dev.beacon.security.Access;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The right to be forgotten plugged into a server: the erasure requests' store, the
 * {@link Erasures} singleton that works them through the parts that hold users' data, and the
 * routes. {@code readers}: per entity type, the projections that must read its journal rows
 * before an erasure may delete them ({@link JournalCompaction}).
 */
public final class PrivacyFeature {
  private final Route routes;

  private PrivacyFeature(Route routes) {
    this.routes = routes;
  }

  public static PrivacyFeature start(ActorSystem<?> system, PrivacySettings settings, ReadSideDatabase readSide,
      List<UserForgetting> parts, Map<String, List<String>> readers, Access access, Pattern organizationIdPattern,
      Clock clock) {
    var blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    var store = new ErasureStore(readSide.dataSource());
    var compaction = new JournalCompaction(readSide.dataSource(), readers);
    var erasures = Erasures.start(system, store, parts, compaction, blocking, clock, settings);
    return new PrivacyFeature(new PrivacyRoutes(store, erasures, access, organizationIdPattern, blocking, clock).routes());
  }

  public Route routes() {
    return routes;
  }
}
