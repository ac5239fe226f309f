package dev.beacon.ingest;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The pipeline's status for {@code GET /api/analytics/real-time}: the live figures of
 * {@link IngestStats} plus the consumer group's lag per partition, read from the broker.
 */
final class PipelineStatus implements AutoCloseable {
  private static final Duration LAG_TIMEOUT = Duration.ofSeconds(5);
  private final KafkaSettings kafka;
  private final IngestStats stats;
  private final Admin admin;

  public PipelineStatus(KafkaSettings kafka, IngestStats stats) {
    this.kafka = kafka;
    this.stats = stats;
    this.admin = Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "beacon-status")));
  }

  /**
   * What {@code GET /api/analytics/real-time} answers. When the lag cannot be read,
   * {@code consumerLag} is null, {@code consumerLagError} says why and {@code totalLag} is left
   * out; otherwise {@code consumerLagError} is left out. The batch parts' tallies (such as
   * {@code tooLateForJourneys} and {@code restatedConversions}) are fields of their own.
   */
  public record Status(
      String topic, long accepted, long consumed, long applied, long deduplicated, long redelivered,
      long deadLettered, Map<String, Long> rejectedByReason, double eventsPerSecond, Instant lastCommit,
      long inFlightBatchSize, Map<Integer, Long> consumerLag,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long totalLag,
      @JsonInclude(JsonInclude.Include.NON_NULL) String consumerLagError,
      @JsonAnyGetter Map<String, Long> tallies) {}

  public Status status() {
    var s = stats.snapshot();
    Map<Integer, Long> lag = null;
    Long totalLag = null;
    String lagError = null;
    try {
      lag = lagPerPartition();
      totalLag = lag.values().stream().mapToLong(Long::longValue).sum();
    } catch (Exception e) {
      lagError = e.toString();
    }
    return new Status(kafka.topic(), s.accepted(), s.consumed(), s.applied(), s.deduplicated(), s.redelivered(),
        s.deadLettered(), s.rejectedByReason(), Math.round(s.eventsPerSecond() * 100) / 100.0, s.lastCommit(),
        s.inFlightBatch(), lag, totalLag, lagError, s.tallies());
  }

  /** End offset minus committed offset, per partition of the topic. */
  Map<Integer, Long> lagPerPartition() throws Exception {
    var timeout = LAG_TIMEOUT.toMillis();
    var committed = admin.listConsumerGroupOffsets(kafka.groupId()).partitionsToOffsetAndMetadata()
        .get(timeout, TimeUnit.MILLISECONDS);
    var partitions = admin.describeTopics(java.util.List.of(kafka.topic())).allTopicNames()
        .get(timeout, TimeUnit.MILLISECONDS).get(kafka.topic()).partitions();
    var latest = new HashMap<TopicPartition, OffsetSpec>();
    for (var p : partitions) latest.put(new TopicPartition(kafka.topic(), p.partition()), OffsetSpec.latest());
    var ends = admin.listOffsets(latest).all().get(timeout, TimeUnit.MILLISECONDS);
    var lag = new TreeMap<Integer, Long>();
    ends.forEach((tp, end) -> {
      var done = committed.get(tp);
      lag.put(tp.partition(), end.offset() - (done == null ? 0 : done.offset()));
    });
    return lag;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
