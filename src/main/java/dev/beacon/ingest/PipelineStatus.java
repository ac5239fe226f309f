package dev.beacon.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        AdminClientConfig.CLIENT_ID_CONFIG, "beacon-status"));
  }

  public Map<String, Object> status() {
    var s = stats.snapshot();
    var body = new LinkedHashMap<String, Object>();
    body.put("topic", kafka.topic());
    body.put("accepted", s.accepted());
    body.put("consumed", s.consumed());
    body.put("applied", s.applied());
    body.put("deduplicated", s.deduplicated());
    body.put("redelivered", s.redelivered());
    body.put("deadLettered", s.deadLettered());
    body.put("rejectedByReason", s.rejectedByReason());
    body.put("eventsPerSecond", Math.round(s.eventsPerSecond() * 100) / 100.0);
    body.put("lastCommit", s.lastCommit());
    body.put("inFlightBatchSize", s.inFlightBatch());
    try {
      var lag = lagPerPartition();
      body.put("consumerLag", lag);
      body.put("totalLag", lag.values().stream().mapToLong(Long::longValue).sum());
    } catch (Exception e) {
      body.put("consumerLag", null);
      body.put("consumerLagError", e.toString());
    }
    return body;
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
