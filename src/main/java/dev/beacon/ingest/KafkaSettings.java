package dev.beacon.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code beacon.kafka}: where the broker is (empty bootstrap servers = the in-JVM broker),
 * how long a start waits for it to answer, the topics and the consumer group, and the client
 * properties every Kafka client of Beacon is given (how to reach a secured cluster: SASL, TLS).
 * Beacon trusts what is on its topic; who may write there is the broker's business.
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
    Duration produceTimeout,
    Map<String, String> clientProperties) {

  /**
   * Client properties Beacon sets itself: the ones its guarantees rest on (acks=all and idempotence:
   * nothing accepted is lost; no auto-commit: offsets follow the entities), and those that have
   * settings of their own. A client property may not change them.
   */
  private static final Set<String> BEACON_OWN = Set.of("bootstrap.servers", "group.id", "acks", "enable.idempotence",
      "enable.auto.commit", "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

  /** The settings of the common client properties, which the environment sets (empty = not passed). */
  private static final List<String> FROM_ENVIRONMENT = List.of("security-protocol", "sasl-mechanism", "sasl-jaas-config",
      "ssl-truststore-location", "ssl-truststore-password");

  /** Where a connection the broker refuses is set, for the line that says so. */
  public static final String SECURITY_SETTINGS =
      "BEACON_KAFKA_SECURITY_PROTOCOL, BEACON_KAFKA_SASL_* and BEACON_KAFKA_SSL_* or beacon.kafka.client-properties";

  public KafkaSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

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
        c.getDuration("produce-timeout"),
        clientProperties(c));
  }

  /**
   * {@code client-properties} under their Kafka names (quoted or not: {@code "sasl.mechanism"} and
   * {@code sasl.mechanism} are the same name), then the common ones the environment sets, which win.
   */
  private static Map<String, String> clientProperties(Config c) {
    var properties = new TreeMap<String, String>();
    for (var entry : c.getConfig("client-properties").entrySet()) {
      properties.put(String.join(".", ConfigUtil.splitPath(entry.getKey())), text(entry.getValue()));
    }
    for (var setting : FROM_ENVIRONMENT) {
      var value = c.getString(setting);
      if (!value.isBlank()) properties.put(setting.replace('-', '.'), value);
    }
    var own = properties.keySet().stream().filter(BEACON_OWN::contains).toList();
    if (!own.isEmpty()) {
      throw new ConfigException.BadValue(c.origin(), "beacon.kafka.client-properties", String.join(", ", own)
          + ": Beacon sets these itself (bootstrap servers and group id have settings of their own)");
    }
    return properties;
  }

  /** A list (such as {@code ssl.enabled.protocols}) as Kafka writes it, comma-separated. */
  private static String text(ConfigValue value) {
    if (value.valueType() == ConfigValueType.LIST) {
      return ((List<?>) value.unwrapped()).stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value.unwrapped());
  }

  public boolean embedded() {
    return bootstrapServers.isBlank();
  }

  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(servers, startupTimeout, embeddedPort, embeddedControllerPort, topic, deadLetterTopic,
        partitions, replicationFactor, groupId, produceTimeout, clientProperties);
  }

  /**
   * The configuration of one Kafka client: {@code own}, what Beacon sets for that client, with the
   * bootstrap servers and the client properties added. Every client Beacon makes is made from this.
   */
  public Map<String, Object> clientConfig(Map<String, ?> own) {
    var config = new HashMap<String, Object>(own);
    config.put("bootstrap.servers", bootstrapServers);
    config.putAll(clientProperties);
    return config;
  }

  /** The names of the client properties, without their values (which may hold secrets), for a log line. */
  public String clientPropertyNames() {
    return clientProperties.isEmpty() ? "none" : String.join(", ", new TreeMap<>(clientProperties).keySet());
  }

  /** Leaves the client properties' values out: {@code sasl.jaas.config} holds a password. */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", deadLetterTopic="
        + deadLetterTopic + ", groupId=" + groupId + ", clientProperties=" + clientPropertyNames() + "]";
  }
}
