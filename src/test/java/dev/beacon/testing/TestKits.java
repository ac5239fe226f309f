package dev.beacon.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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
}
