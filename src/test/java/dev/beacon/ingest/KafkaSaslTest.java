package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigUtil;
import dev.beacon.BeaconServer;
import dev.beacon.common.StartupFailure;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beacon against a broker that takes SASL_PLAINTEXT with PLAIN only (the in-JVM broker, its
 * listener switched by the test): with the right credentials in the security settings, every
 * Kafka client of the server works (the admin client creates the topics, the producer takes an
 * event over HTTP, the consumer applies it, the status reads the lag); with a wrong password the
 * start stops with one line saying Kafka refused it.
 */
class KafkaSaslTest {
  private static final String BEACON_PASSWORD = "beacon-secret";
  @TempDir static Path brokerDir;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    var users = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" "
        + "password=\"broker-secret\" user_broker=\"broker-secret\" user_beacon=\"" + BEACON_PASSWORD + "\";";
    kafka = EmbeddedKafka.start(brokerDir, 0, 0, Map.of(
        "listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
        "sasl.enabled.mechanisms", "PLAIN",
        "sasl.mechanism.inter.broker.protocol", "PLAIN",
        "listener.name.plaintext.plain.sasl.jaas.config", users));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  /** A server on the SASL broker; {@code security} is its part of beacon.kafka. */
  private static BeaconServer start(Path dir, String security) {
    return BeaconServer.start(TestServers.config(dir, kafka.bootstrapServers(), TestDatabase.h2(dir),
        "sasl-" + UUID.randomUUID(), "beacon.kafka.startup-timeout = 5s\n" + security));
  }

  /** What BEACON_KAFKA_SECURITY_PROTOCOL, _SASL_MECHANISM and _SASL_JAAS_CONFIG set. */
  private static String sasl(String password) {
    var jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"beacon\" password=\""
        + password + "\";";
    return "beacon.kafka.security-protocol = SASL_PLAINTEXT\nbeacon.kafka.sasl-mechanism = PLAIN\n"
        + "beacon.kafka.sasl-jaas-config = " + ConfigUtil.quoteString(jaas) + "\n";
  }

  @Test
  void withTheRightCredentialsEveryKafkaClientOfTheServerWorks(@TempDir Path dir) throws Exception {
    var server = start(dir, sasl(BEACON_PASSWORD));
    try {
      var http = new HttpCalls(server.httpPort());
      var event = "{\"eventType\":\"click\",\"campaignId\":\"c1\",\"organizationId\":\"sasl\",\"value\":2}";

      var accepted = http.postJson("/api/analytics/real-time", "{\"event\":" + event + "}");
      assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
      Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        var clicks = http.get("/api/campaigns/c1/analytics/real-time?organizationId=sasl");
        assertThat(clicks.status()).as(clicks.text()).isEqualTo(200);
        assertThat(clicks.body().get("clicks").asLong()).isEqualTo(1);
      });
      // the status's admin client reads the offsets the consumer committed
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        var status = http.get("/api/analytics/real-time").body();
        assertThat(status.has("consumerLagError")).as(status.toString()).isFalse();
        assertThat(status.get("totalLag").asLong()).as(status.toString()).isZero();
      });
    } finally {
      server.stop().toCompletableFuture().get();
    }
  }

  @Test
  void aWrongPasswordStopsTheStartSayingKafkaRefusedIt(@TempDir Path dir) {
    assertThatThrownBy(() -> start(dir, sasl("not-the-password")))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("Kafka at " + kafka.bootstrapServers() + " refused Beacon's connection (Authentication failed: "
            + "Invalid username or password); check BEACON_KAFKA_SECURITY_PROTOCOL, BEACON_KAFKA_SASL_* and "
            + "BEACON_KAFKA_SSL_* or beacon.kafka.client-properties");
  }

  @Test
  void withoutSecuritySettingsTheBrokerNeverAnswersAndTheStartStops(@TempDir Path dir) {
    assertThatThrownBy(() -> start(dir, ""))
        .isInstanceOf(StartupFailure.class)
        .hasMessageStartingWith("Kafka at " + kafka.bootstrapServers() + " did not answer within 5 s");
  }

  @Test
  void securitySettingsWithTheEmbeddedBrokerStopTheStart(@TempDir Path dir) {
    var config = TestServers.config(dir, "", TestDatabase.h2(dir), "sasl-" + UUID.randomUUID(), sasl(BEACON_PASSWORD));

    assertThatThrownBy(() -> BeaconServer.start(config))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("Kafka client properties are set (sasl.jaas.config, sasl.mechanism, security.protocol) but not "
            + "BEACON_KAFKA_BOOTSTRAP: they are for an external cluster, the embedded broker takes plain connections "
            + "on loopback only; set BEACON_KAFKA_BOOTSTRAP, or unset them");
    assertThat(dir.resolve("kafka")).as("no broker was started").doesNotExist();
  }
}
