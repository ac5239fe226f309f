package dev.beacon.ingest;

import dev.beacon.common.LogContext;
import dev.beacon.event.EventParser;
import dev.beacon.event.Origin;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stream: {@code beacon.events} read in micro-batches ({@link MicroBatchStream}), each
 * record parsed and validated, each batch applied to the entities by the {@link BatchProcessor},
 * and its offsets committed only after every entity acknowledged. A few batches may be in flight;
 * each entity still sees a partition's records in offset order. A failed batch fails the stream,
 * which restarts with backoff from the last commit.
 */
final class IngestStream implements MicroBatchStream.Handler<IngestStream.Read> {
  private static final Logger log = LoggerFactory.getLogger(IngestStream.class);
  private final KafkaSettings kafka;
  private final EventParser parser;
  private final BatchProcessor processor;
  private final IngestStats stats;
  private final MicroBatchStream<Read> stream;

  public IngestStream(ActorSystem<?> system, KafkaSettings kafka, IngestSettings settings, EventParser parser,
      BatchProcessor processor, IngestStats stats, MeterRegistry registry) {
    this.kafka = kafka;
    this.parser = parser;
    this.processor = processor;
    this.stats = stats;
    this.stream = new MicroBatchStream<>(system, "Ingest stream", kafka, kafka.topic(), kafka.groupId(),
        new MicroBatchStream.Batching(settings.batchSize(), settings.batchWindow(), settings.parallelism(),
            settings.retryMinBackoff(), settings.retryMaxBackoff()), this, registry);
  }

  /** Tells {@code listener} of every partition the group assigns or revokes this node's consumer; before {@link #start()}. */
  public IngestStream withRebalanceListener(ActorRef<ConsumerRebalanceEvent> listener) {
    stream.withRebalanceListener(listener);
    return this;
  }

  public IngestStream start() {
    stream.start();
    try (var logged = LogContext.topic(kafka.topic())) {
      log.info("Ingest stream consuming {} at {} as group {} (client properties: {})", kafka.topic(),
          kafka.bootstrapServers(), kafka.groupId(), kafka.clientPropertyNames());
    }
    return this;
  }

  /** {@code imported}: the record carries the {@link ImportMark}; its event time is history, not latency. */
  record Read(BatchProcessor.Consumed consumed, boolean imported) {}

  @Override
  public Read read(ConsumerRecord<String, byte[]> record) {
    var origin = ImportMark.originOf(record.headers());
    var parsed = parser.parse(record.value(), Instant.ofEpochMilli(record.timestamp()), origin);
    return new Read(BatchProcessor.consumed(record, parsed), origin == Origin.IMPORT);
  }

  @Override
  public CompletionStage<Done> apply(List<Read> batch) {
    var records = new ArrayList<BatchProcessor.Consumed>(batch.size());
    var live = new ArrayList<BatchProcessor.Consumed>(batch.size());
    for (var read : batch) {
      records.add(read.consumed());
      if (!read.imported()) live.add(read.consumed());
    }
    stats.batchStarted(batch.size());
    var started = System.currentTimeMillis();
    // A failed batch fails the stream, which restarts from the last commit; entities are idempotent.
    return processor.process(records)
        .whenComplete((d, e) -> {
          stats.batchEnded(records.size());
          if (e == null) return;
          try (var logged = LogContext.topic(kafka.topic())) {
            log.warn("Batch of {} records failed; the stream restarts from the last commit: {}", records.size(), e.toString());
          }
        })
        .thenApply(done -> {
          var now = System.currentTimeMillis();
          // the latency of live events only: an imported event's time is months or years ago
          for (var r : live) {
            if (r instanceof BatchProcessor.Accepted a) stats.persisted(a.delivered().event().timestamp().toEpochMilli(), started, now);
          }
          return done;
        });
  }

  @Override
  public void restarted() {
    processor.reset();
  }

  @Override
  public void committed() {
    stats.committed();
  }

  /** The consumer's metrics, {@code records-lag} per partition among them. */
  public CompletionStage<Map<MetricName, Metric>> consumerMetrics() {
    return stream.consumerMetrics();
  }

  /** Stops fetching, lets the batches in hand finish and commit, then completes. */
  public CompletionStage<Done> drain() {
    return stream.drain();
  }

  /** Stops at once, without draining or committing what is in hand: what a crash looks like to the broker. */
  public void abort() {
    stream.abort();
  }
}
