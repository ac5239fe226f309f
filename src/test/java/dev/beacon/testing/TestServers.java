package dev.beacon.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.BeaconConfig;
import dev.beacon.ingest.KafkaSettings;
import java.nio.file.Path;

/**
 * Configuration for a Beacon server under test: free ports, its own data folder, broker and
 * database, and its own topics and consumer groups, named after {@code topic}.
 */
public final class TestServers {
  private TestServers() {}

  public static Config config(Path dataDir, String bootstrapServers, TestDatabase db, String topic, String extra) {
    var text = """
        beacon.data-dir = "%s"
        beacon.http.host = "127.0.0.1"
        beacon.http.port = 0
        beacon.kafka.bootstrap-servers = "%s"
        beacon.kafka.topic = "%s"
        beacon.kafka.dead-letter-topic = "%s.dlq"
        beacon.kafka.group-id = "%s-group"
        beacon.kafka.partitions = 4
        beacon.bandit.interactions-topic = "%s.interactions"
        beacon.bandit.interactions-dead-letter-topic = "%s.interactions.dlq"
        beacon.bandit.interactions-group-id = "%s-bandit"
        beacon.bandit.predictions-topic = "%s.predictions"
        beacon.simulator.enabled = off
        pekko.remote.artery.canonical.port = 0
        pekko.management.http.port = 0
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.loglevel = WARNING
        """.formatted(dataDir.toAbsolutePath(), bootstrapServers, topic, topic, topic, topic, topic, topic, topic)
        + db.config() + extra;
    var resolved = ConfigFactory.parseString(text)
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
    return BeaconConfig.withDerived(resolved);
  }

  /** application.conf's Kafka settings at {@code bootstrapServers}, for a test's own Beacon producer. */
  public static KafkaSettings kafka(String bootstrapServers) {
    return KafkaSettings.from(ConfigFactory.parseString("bootstrap-servers = \"" + bootstrapServers + "\"")
        .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.kafka")));
  }
}
