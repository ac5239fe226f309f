package dev.beacon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.BeaconServer;
import dev.beacon.ingest.EmbeddedKafka;
import dev.beacon.security.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * A Beacon that requires keys, on its own in-JVM broker and database (H2 unless told) in a fresh folder, for the
 * API tests of one class: its admin key, {@link HttpCalls} to it, and keys made with the admin
 * key. Rate limits are set high enough that no test meets them. Start it in {@code @BeforeAll},
 * close it in {@code @AfterAll}.
 */
public final class KeyedServer implements AutoCloseable {
  private final String adminKey;
  private EmbeddedKafka kafka;
  private final BeaconServer server;
  private final HttpCalls http;
  private final TestDatabase db;
  private final String topic;

  private KeyedServer(String adminKey, EmbeddedKafka kafka, BeaconServer server, TestDatabase db, String topic) {
    this.adminKey = adminKey;
    this.topic = topic;
    this.db = db;
    this.kafka = kafka;
    this.server = server;
    this.http = new HttpCalls(server.httpPort());
  }

  /** {@code name} names the folder and the topic; {@code extra} is more configuration (HOCON). */
  public static KeyedServer start(String name, String extra) throws IOException {
    return start(name, extra, TestDatabase::h2);
  }

  /** The same on the database {@code database} makes for the server's folder (dropped, if it drops, at close). */
  public static KeyedServer start(String name, String extra, Function<Path, TestDatabase> database) throws IOException {
    var adminKey = "admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    var dir = Files.createTempDirectory("beacon-" + name);
    var kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
    try {
      var db = database.apply(dir);
      var topic = name + "-" + UUID.randomUUID();
      var server = BeaconServer.start(TestServers.config(dir, kafka.bootstrapServers(), db, topic, """
              beacon.security.admin-key = "%s"
              beacon.security.rate-limits.ingest { per-second = 1000, burst = 1000 }
              beacon.security.rate-limits.read { per-second = 1000, burst = 1000 }
              beacon.security.rate-limits.admin { per-second = 1000, burst = 1000 }
              """.formatted(adminKey) + extra));
      return new KeyedServer(adminKey, kafka, server, db, topic);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public String adminKey() {
    return adminKey;
  }

  /** Its database, for a command that reads what the server wrote. */
  public TestDatabase database() {
    return db;
  }

  /** Stops the server's broker, for a test of what clients see while Kafka is away. */
  public void stopKafka() {
    kafka.close();
  }

  /** Starts the broker again on its log dir and ports. */
  public void startKafkaAgain() {
    kafka = kafka.startAgain();
  }

  public HttpCalls http() {
    return http;
  }

  /** Its broker, for a test that reads a topic itself. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Its dead-letter topic. */
  public String deadLetterTopic() {
    return topic + ".dlq";
  }

  public int port() {
    return server.httpPort();
  }

  /** A new key of {@code organization} with {@code scopes} (the test fails if it cannot be made). */
  public String key(String organization, Set<Scope> scopes) {
    var names = scopes.stream().map(s -> "\"" + s.wireName() + "\"").toList();
    var made = http.send("POST", "/api/admin/organizations/" + organization + "/keys", adminKey, "{\"scopes\": " + names + "}");
    assertThat(made.status()).as(made.text()).isEqualTo(201);
    return made.body().get("key").asText();
  }

  @Override
  public void close() throws InterruptedException, ExecutionException {
    try {
      server.stop().toCompletableFuture().get();
    } finally {
      kafka.close();
      db.close();
    }
  }
}
