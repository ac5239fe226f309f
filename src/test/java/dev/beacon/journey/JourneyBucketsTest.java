package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.event.EventType;
import dev.beacon.ingest.EventProducer;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users to journey buckets and buckets to shards: the shard of a user's bucket is the partition
 * Beacon's producer writes the user's events to (against the in-JVM broker, keys of every script);
 * buckets must be a multiple of shards; deliveries read off their shard's partition are counted;
 * a new database hashes as the producer does, and one whose journal already holds journeys keeps
 * the hash they were written with, on H2 and on PostgreSQL.
 */
class JourneyBucketsTest {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();

  @TempDir Path dir;

  private static final String[] ALPHABETS = {
      "abcdefghijklmnopqrstuvwxyz0123456789-_.@", "éèàüöçñßøå", "日本語の利用者", "пользователь", "مستخدم", "😀🚀🎯👩‍💻", "\u0000\u007f "};

  /** A user id of 1 to 24 characters drawn from a few scripts, emoji (surrogate pairs) and control characters among them. */
  private static String userId(Random random) {
    var id = new StringBuilder();
    var length = 1 + random.nextInt(24);
    while (id.codePointCount(0, id.length()) < length) {
      var alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)];
      var codePoints = alphabet.codePoints().toArray();
      id.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
    }
    return id.toString();
  }

  private static Event event(String organizationId, String userId) {
    return new Event(UUID.randomUUID().toString(), "campaign-event", organizationId, "click", EventType.CLICK, "c1", userId,
        null, Instant.now(), 0, null, 0, null, null, null, null, null, null, null, null, null);
  }

  @Test
  void theShardOfAUsersBucketIsThePartitionBeaconsProducerWritesTheirEventsTo() throws Exception {
    var topic = "aligned-" + UUID.randomUUID();
    var partitions = 6;
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    var buckets = new JourneyBuckets(96, partitions, JourneyBuckets.BucketHash.MURMUR2);
    var random = new Random(14);
    var events = new ArrayList<Event>();
    for (var organization : List.of("acme", "café-müller", "株式会社")) {
      for (int i = 0; i < 300; i++) events.add(event(organization, userId(random)));
    }

    var written = new ArrayList<CompletableFuture<Integer>>();
    try (var producer = new EventProducer(TestServers.kafka(broker.kafka().bootstrapServers()))) {
      for (var e : events) {
        written.add(producer.send(new ProducerRecord<>(topic, e.partitionKey(), new byte[] {1}))
            .thenApply(metadata -> metadata.partition()).toCompletableFuture());
      }
      producer.flush();
    }

    var partitionsSeen = new HashSet<Integer>();
    for (int i = 0; i < events.size(); i++) {
      var e = events.get(i);
      var partition = written.get(i).join();
      partitionsSeen.add(partition);
      assertThat(buckets.shardOf(buckets.bucketOf(e.organizationId(), e.userId())))
          .as("shard of %s|%s", e.organizationId(), e.userId()).isEqualTo(partition);
    }
    assertThat(partitionsSeen).hasSize(partitions);
  }

  @Test
  void bucketsMustBeAMultipleOfShards() {
    assertThatThrownBy(() -> JourneySettings.from(ConfigFactory.parseString("buckets-per-organization = 64, shards = 6")
        .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("beacon.journey.buckets-per-organization (64) must be a multiple of beacon.journey.shards (6, by default "
            + "beacon.kafka.partitions)");
  }

  @Test
  void deliveriesReadOffTheirShardsPartitionAreCountedAsMisaligned() {
    var buckets = new JourneyBuckets(64, 8, JourneyBuckets.BucketHash.MURMUR2);
    var registry = new SimpleMeterRegistry();
    var part = new JourneyBatchPart(null, buckets, registry);
    var batch = new ArrayList<Delivered>();
    for (int i = 0; i < 40; i++) {
      var e = event("acme", "user-" + i);
      var shard = buckets.shardOf(buckets.bucketOf("acme", e.userId()));
      // every fourth one read from the next partition, as a producer with another partitioner would have put it
      batch.add(new Delivered(e, "events", i % 4 == 0 ? (shard + 1) % 8 : shard, i));
    }

    var shares = part.shares(batch);

    assertThat(registry.get("beacon.journey.misaligned").counter().count()).isEqualTo(10);
    assertThat(shares.values().stream().mapToInt(List::size).sum()).isEqualTo(40);
    shares.forEach((entityId, share) -> share.forEach(i ->
        assertThat(entityId).isEqualTo(buckets.entityId("acme", batch.get(i).event().userId()))));
  }

  @Test
  void aNewDatabaseHashesUsersAsTheProducerDoesOnH2() {
    try (var db = TestDatabase.h2(dir)) {
      assertThat(hashAfterMigrating(db, false)).isEqualTo(JourneyBuckets.BucketHash.MURMUR2);
    }
  }

  @Test
  void aDatabaseWhoseJournalHoldsJourneysKeepsTheirHashOnH2() {
    try (var db = TestDatabase.h2(dir)) {
      assertThat(hashAfterMigrating(db, true)).isEqualTo(JourneyBuckets.BucketHash.LEGACY);
    }
  }

  @Test
  void aNewDatabaseHashesUsersAsTheProducerDoesOnPostgres() {
    try (var db = TestDatabase.postgres()) {
      assertThat(hashAfterMigrating(db, false)).isEqualTo(JourneyBuckets.BucketHash.MURMUR2);
    }
  }

  @Test
  void aDatabaseWhoseJournalHoldsJourneysKeepsTheirHashOnPostgres() {
    try (var db = TestDatabase.postgres()) {
      assertThat(hashAfterMigrating(db, true)).isEqualTo(JourneyBuckets.BucketHash.LEGACY);
    }
  }

  @Test
  void theLegacyHashIsTheOneJournalsWereWrittenWith() {
    var legacy = new JourneyBuckets(64, 8, JourneyBuckets.BucketHash.LEGACY);
    // where journals written before partition alignment hold these users, whatever their organisation
    assertThat(legacy.entityId("acme", "user-1")).isEqualTo("acme|b55");
    assertThat(legacy.entityId("other-org", "anna@example.com")).isEqualTo("other-org|b53");
  }

  /**
   * Migrates the database as it was before the bucket hash was recorded (with a journey event in
   * its journal when {@code journeysWritten}), then all the way, and reads the hash it recorded.
   */
  private static JourneyBuckets.BucketHash hashAfterMigrating(TestDatabase db, boolean journeysWritten) {
    var settings = new DatabaseSettings(db.url, db.user, db.password, 2);
    var vendor = db.isPostgres() ? "classpath:db/migration/postgresql" : "classpath:db/migration/h2";
    Flyway.configure().dataSource(settings.effectiveUrl(), db.user, db.password)
        .locations(vendor, "classpath:db/migration/common").target("8").load().migrate();
    if (journeysWritten) {
      try (var connection = db.connect(); var insert = connection.prepareStatement("INSERT INTO \"event_journal\" "
          + "(\"persistence_id\", \"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", "
          + "\"event_payload\", \"event_ser_id\", \"event_ser_manifest\") VALUES ('Journey|acme|b3', 1, 'w', 0, '', ?, 1, 'J')")) {
        insert.setBytes(1, new byte[] {1});
        insert.executeUpdate();
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    }
    Database.migrate(settings);
    try (var readSide = new ReadSideDatabase(settings, 1)) {
      return JourneyBuckets.recordedIn(readSide.dataSource());
    }
  }
}
