package dev.beacon.journey;

import dev.beacon.common.Entities;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.kafka.common.utils.Utils;

/**
 * Which journey bucket holds a user, and which shard holds a bucket. A user's bucket is the
 * Kafka producer's hash of the record key of the user's events ({@code organisation|user}, UTF-8,
 * murmur2) modulo the buckets per organisation B, and a bucket's shard is its number modulo the
 * journey shards P. With B a multiple of P, a user's shard is that hash modulo P: the partition
 * the producer wrote the user's events to, so the node that consumes a partition can host its
 * journeys (see {@link JourneyShards}). A database whose journal already held journeys before
 * this hash keeps the one it was written with ({@link BucketHash#LEGACY}), or its users would
 * lose their journeys and dedup windows; its journeys are then correct but not aligned.
 *
 * @param perOrganization buckets per organisation (B)
 * @param shards journey shards (P), one per partition of the events topic
 * @param hash how a user is hashed to a bucket
 */
public record JourneyBuckets(int perOrganization, int shards, BucketHash hash) {

  /** How users are hashed to buckets; the database records which one its journals were written with. */
  public enum BucketHash {
    /** The producer's partitioner: a user's bucket lies in the shard of the partition of their events. */
    MURMUR2("murmur2"),
    /** The hash of journals written before partition alignment (the user id's hashCode, scrambled). */
    LEGACY("legacy");

    private final String recorded;

    BucketHash(String recorded) {
      this.recorded = recorded;
    }

    static BucketHash recorded(String value) {
      for (var hash : values()) if (hash.recorded.equals(value)) return hash;
      throw new IllegalStateException("journey_bucket_hash holds '" + value + "', which this Beacon does not know");
    }
  }

  /** The hash the database's journals use, as its migration recorded it. */
  public static BucketHash recordedIn(DataSource dataSource) {
    try (var connection = dataSource.getConnection();
         var statement = connection.createStatement();
         var rows = statement.executeQuery("SELECT bucket_hash FROM journey_bucket_hash")) {
      if (!rows.next()) throw new IllegalStateException("journey_bucket_hash is empty");
      return BucketHash.recorded(rows.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read journey_bucket_hash: " + e.getMessage(), e);
    }
  }

  /** The bucket number of a user of an organisation, from 0 to {@code perOrganization - 1}. */
  public int bucketOf(String organizationId, String userId) {
    return switch (hash) {
      case MURMUR2 -> partitionHash(organizationId, userId) % perOrganization;
      case LEGACY -> Math.floorMod(userId.hashCode() * 0x9E3779B9, perOrganization);
    };
  }

  /**
   * The non-negative hash the Kafka producer's default partitioner takes of the record key of
   * this user's events ({@code Event.partitionKey()}); the partition is this modulo the partitions.
   */
  public static int partitionHash(String organizationId, String userId) {
    return Utils.toPositive(Utils.murmur2(Entities.organizationScoped(organizationId, userId).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The entity id of an organisation's bucket number {@code bucket}. Users are spread over a
   * fixed number of buckets per organisation so that a batch touching a hundred thousand users
   * wakes a few hundred entities, not a hundred thousand (each first wake costs a journal read).
   * Organisation ids never contain '|'.
   */
  public static String bucketEntityId(String organizationId, int bucket) {
    return Entities.organizationScoped(organizationId, "b" + bucket);
  }

  /** The bucket number in a {@link #bucketEntityId(String, int)}. */
  static int bucketNumber(String entityId) {
    var local = Entities.localIdOf(entityId);
    return Integer.parseInt(local, 1, local.length(), 10);
  }

  /** The entity id of the bucket that holds this user's journey. */
  public String entityId(String organizationId, String userId) {
    return bucketEntityId(organizationId, bucketOf(organizationId, userId));
  }

  /** The shard of a bucket number. */
  public int shardOf(int bucket) {
    return bucket % shards;
  }
}
