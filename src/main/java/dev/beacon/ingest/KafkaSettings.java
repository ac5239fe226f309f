package dev.beacon.ingest;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code beacon.kafka}: where the broker is (empty bootstrap servers = the in-JVM broker),
 * how long a start waits for it to answer, the topics and the consumer group.
 */
public record KafkaSettings(
    String bootstrapServers,
    Duration startupTimeout,
    int embeddedPort,
    int embeddedControllerPort,
    String topic,
    String deadLetterTopic,
    int partitions,
    short replicationFactor,
    String groupId,
    Duration produceTimeout) {

  public static KafkaSettings from(Config c) {
    return new KafkaSettings(
        c.getString("bootstrap-servers"),
        c.getDuration("startup-timeout"),
        c.getInt("embedded-port"),
        c.getInt("embedded-controller-port"),
        c.getString("topic"),
        c.getString("dead-letter-topic"),
        c.getInt("partitions"),
        (short) c.getInt("replication-factor"),
        c.getString("group-id"),
        c.getDuration("produce-timeout"));
  }

  public boolean embedded() {
    return bootstrapServers.isBlank();
  }

  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(servers, startupTimeout, embeddedPort, embeddedControllerPort, topic, deadLetterTopic,
        partitions, replicationFactor, groupId, produceTimeout);
  }
}
