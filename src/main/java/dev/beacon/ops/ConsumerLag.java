package dev.beacon.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The consumer lag of this node's partitions ({@code beacon.kafka.consumer.lag}, by topic and
 * partition): how many records each partition has beyond the consumer's position, as the Kafka
 * consumer itself measures it at its last fetch ({@code records-lag}). Only the partitions assigned
 * to this node have a series, so the nodes of a cluster never report one partition twice; a
 * partition revoked in a rebalance loses its series at the next poll. The consumer writes a topic's
 * dots as underscores in its metrics' tags; each stream reads one topic, whose name the series keep.
 */
public final class ConsumerLag {
  private static final String FETCH_METRICS = "consumer-fetch-manager-metrics";
  private static final String RECORDS_LAG = "records-lag";
  private final List<Source> consumers;
  private final MultiGauge lag;

  /** A consumer stream: the topic it reads, and its consumer's metrics as {@code Consumer.Control.getMetrics()} gives them. */
  public record Source(String topic, Supplier<CompletionStage<Map<MetricName, Metric>>> metrics) {}

  /** {@code consumers}: each stream's topic and consumer metrics, read anew at each poll (a restarted stream has a new consumer). */
  ConsumerLag(MeterRegistry registry, List<Source> consumers) {
    this.consumers = List.copyOf(consumers);
    this.lag = MultiGauge.builder("beacon.kafka.consumer.lag")
        .description("records beyond the consumer's position, per partition this node consumes")
        .baseUnit("records")
        .register(registry);
  }

  CompletionStage<Void> poll() {
    var reads = consumers.stream().map(c -> c.metrics().get().toCompletableFuture()).toList();
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenRun(() -> {
      var rows = new ArrayList<MultiGauge.Row<?>>();
      for (var i = 0; i < reads.size(); i++) rows.addAll(rows(consumers.get(i).topic(), reads.get(i).join()));
      lag.register(rows, true);
    });
  }

  private static List<MultiGauge.Row<?>> rows(String topic, Map<MetricName, Metric> metrics) {
    var tagged = topic.replace('.', '_');
    var rows = new ArrayList<MultiGauge.Row<?>>();
    metrics.forEach((name, metric) -> {
      var tags = name.tags();
      if (!name.group().equals(FETCH_METRICS) || !name.name().equals(RECORDS_LAG) || !tagged.equals(tags.get("topic"))
          || !tags.containsKey("partition")) return;
      if (!(metric.metricValue() instanceof Double value) || value.isNaN()) return;
      rows.add(MultiGauge.Row.of(Tags.of("topic", topic, "partition", tags.get("partition")), value));
    });
    return rows;
  }
}
