package dev.beacon.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.BeaconConfig;
import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** Configuration for actor testkits. */
public final class TestKits {
  private TestKits() {}

  /**
   * The persistence testkit's in-memory journal and snapshot store, with the serializers and
   * serialization bindings of application.conf (only those: the rest of it starts a cluster and a
   * JDBC journal).
   */
  public static Config eventSourcedConfig() {
    var application = ConfigFactory.parseResources("application.conf");
    return EventSourcedBehaviorTestKit.config()
        .withFallback(application.withOnlyPath("pekko.actor.serializers"))
        .withFallback(application.withOnlyPath("pekko.actor.serialization-bindings"))
        .resolve();
  }

  /**
   * An actor testkit whose system is a cluster of one (joined to itself) with the in-memory
   * journal: sharded entities run there as in Beacon, without a database.
   */
  public static ActorTestKit clusterOfOne(String name) {
    var config = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        """).withFallback(eventSourcedConfig());
    var testKit = ActorTestKit.create(name, config);
    var cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    return testKit;
  }

  /**
   * An actor testkit (actors spawned directly, no cluster) whose journal and snapshot store are
   * Beacon's JDBC ones on {@code db}, migrated first: entities persist and recover as in Beacon,
   * every event and snapshot serialized. {@code extra}: HOCON over application.conf.
   */
  public static ActorTestKit withJournal(String name, TestDatabase db, String extra) {
    var resolved = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.actor.provider = local
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        """ + db.config() + extra)
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
    var config = BeaconConfig.withDerived(resolved);
    Database.migrate(DatabaseSettings.from(config.getConfig("beacon")));
    return ActorTestKit.create(name, config);
  }
}
