package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code beacon.kafka.client-properties} and the variables of the common ones, as application.conf
 * reads them, and what every Kafka client Beacon makes is given: the producer, the admin clients
 * and the ingest consumer get them, and none can undo what Beacon's guarantees rest on.
 */
class KafkaClientPropertiesTest {
  static final ActorTestKit testKit = ActorTestKit.create("KafkaClientPropertiesTest",
      ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.defaultReference()));
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"beacon\" password=\"s3cret\";";

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** application.conf under {@code text}, with {@code environment} as the process's variables. */
  private static KafkaSettings settings(String text, Map<String, String> environment) {
    var config = ConfigFactory.parseString(text)
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.parseMap(environment))
        .resolve(ConfigResolveOptions.noSystem());
    return KafkaSettings.from(config.getConfig("beacon.kafka"));
  }

  private static final Map<String, String> SASL_SSL = Map.of(
      "BEACON_KAFKA_BOOTSTRAP", "kafka-1:9093",
      "BEACON_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
      "BEACON_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
      "BEACON_KAFKA_SASL_JAAS_CONFIG", JAAS,
      "BEACON_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.p12",
      "BEACON_KAFKA_SSL_TRUSTSTORE_PASSWORD", "");

  @Test
  void byDefaultThereAreNone() {
    var kafka = settings("", Map.of());

    assertThat(kafka.clientProperties()).isEmpty();
    assertThat(kafka.clientConfig(Map.of("client.id", "x"))).isEqualTo(Map.of("client.id", "x", "bootstrap.servers", ""));
  }

  @Test
  void theVariablesSetTheCommonOnesUnderKafkasNamesAndAnEmptyOneIsNotPassed() {
    var kafka = settings("", SASL_SSL);

    assertThat(kafka.clientProperties()).isEqualTo(Map.of(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", JAAS,
        "ssl.truststore.location", "/etc/kafka/ca.p12"));
  }

  @Test
  void clientPropertiesTakeKafkasNamesQuotedOrNotListsAndNumbersAndTheVariablesWin() {
    var kafka = settings("""
        beacon.kafka.client-properties {
          "security.protocol" = SSL
          ssl.endpoint.identification.algorithm = ""
          "ssl.enabled.protocols" = [TLSv1.3, TLSv1.2]
          "request.timeout.ms" = 40000
        }
        """, Map.of("BEACON_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));

    assertThat(kafka.clientProperties()).isEqualTo(Map.of(
        "security.protocol", "SASL_SSL",
        "ssl.endpoint.identification.algorithm", "",
        "ssl.enabled.protocols", "TLSv1.3,TLSv1.2",
        "request.timeout.ms", "40000"));
  }

  @Test
  void propertiesBeaconSetsItselfAreRefused() {
    assertThatThrownBy(() -> settings("""
        beacon.kafka.client-properties { acks = 1, "enable.auto.commit" = true, "security.protocol" = SSL }
        """, Map.of()))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("beacon.kafka.client-properties")
        .hasMessageContaining("acks, enable.auto.commit: Beacon sets these itself");
  }

  @Test
  void theProducerTheAdminClientsAndTheConsumerAllGetThem() {
    var kafka = settings("", SASL_SSL);

    var producer = EventProducer.config(kafka, Map.of());
    assertThat(producer).containsAllEntriesOf(kafka.clientProperties())
        .containsEntry("bootstrap.servers", "kafka-1:9093")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true);
    assertThat(kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "beacon-status")))
        .containsAllEntriesOf(kafka.clientProperties())
        .containsEntry("bootstrap.servers", "kafka-1:9093")
        .containsEntry("client.id", "beacon-status");
    var consumer = MicroBatchStream.consumerSettings(testKit.system(), kafka, kafka.groupId()).getProperties();
    assertThat(consumer).containsAllEntriesOf(kafka.clientProperties())
        .containsEntry("bootstrap.servers", "kafka-1:9093")
        .containsEntry("group.id", "beacon-ingest")
        .containsEntry("enable.auto.commit", "false");
  }

  @Test
  void theirValuesStayOutOfTheSettingsText() {
    var kafka = settings("", SASL_SSL);

    assertThat(kafka.toString()).contains("sasl.jaas.config").doesNotContain("s3cret");
  }
}
