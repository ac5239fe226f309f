package dev.beacon.ingest;

import dev.beacon.event.EventParser;
import dev.beacon.event.Origin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stream: a committable Kafka source on {@code beacon.events}, parsed and validated,
 * grouped into micro-batches (by size and time), each batch applied to the entities by the
 * {@link BatchProcessor}, and its offsets committed, in order, only after every entity
 * acknowledged. A few batches may be in flight; each entity still sees a partition's records in
 * offset order. A failed batch fails the stream, which restarts with backoff from the last commit. {@link #drain()} stops fetching, finishes the batch in hand, commits.
 */
final class IngestStream {
  private static final Logger log = LoggerFactory.getLogger(IngestStream.class);
  private final ActorSystem<?> system;
  private final KafkaSettings kafka;
  private final IngestSettings settings;
  private final EventParser parser;
  private final BatchProcessor processor;
  private final IngestStats stats;
  private final AtomicReference<Consumer.Control> control = new AtomicReference<>(Consumer.createNoopControl());
  private CompletionStage<Done> completion;
  private UniqueKillSwitch killSwitch;

  public IngestStream(ActorSystem<?> system, KafkaSettings kafka, IngestSettings settings, EventParser parser,
      BatchProcessor processor, IngestStats stats) {
    this.system = system;
    this.kafka = kafka;
    this.settings = settings;
    this.parser = parser;
    this.processor = processor;
    this.stats = stats;
  }

  /** {@code pekko.kafka.consumer} with the bootstrap servers, the group and the client properties. */
  static ConsumerSettings<String, byte[]> consumerSettings(ActorSystem<?> system, KafkaSettings kafka) {
    return ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer())
        .withBootstrapServers(kafka.bootstrapServers())
        .withGroupId(kafka.groupId())
        .withProperties(kafka.clientProperties());
  }

  public IngestStream start() {
    var consumerSettings = consumerSettings(system, kafka);
    var committerSettings = CommitterSettings.create(system);
    var restart = RestartSettings.create(settings.retryMinBackoff(), settings.retryMaxBackoff(), 0.2);
    var running = RestartSource.onFailuresWithBackoff(restart, () ->
            Consumer.committableSource(consumerSettings, Subscriptions.topics(kafka.topic()))
                .mapMaterializedValue(c -> {
                  processor.reset();
                  return c;
                })
                .mapMaterializedValue(c -> {
                  control.set(c);
                  return c;
                })
                .map(this::read)
                .async()
                .groupedWithin(settings.batchSize(), settings.batchWindow())
                .mapAsync(settings.parallelism(), this::apply)
                .via(Committer.flow(committerSettings))
                .map(done -> {
                  stats.committed();
                  return done;
                }))
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    killSwitch = running.first();
    completion = running.second();
    completion.whenComplete((done, error) -> {
      if (error != null) log.error("Ingest stream on {} stopped", kafka.topic(), error);
      else log.info("Ingest stream on {} completed", kafka.topic());
    });
    log.info("Ingest stream consuming {} at {} as group {} (client properties: {})", kafka.topic(),
        kafka.bootstrapServers(), kafka.groupId(), kafka.clientPropertyNames());
    return this;
  }

  /** {@code imported}: the record carries the {@link ImportMark}; its event time is history, not latency. */
  private record Read(ConsumerMessage.CommittableOffset offset, BatchProcessor.Consumed consumed, boolean imported) {}

  private Read read(ConsumerMessage.CommittableMessage<String, byte[]> msg) {
    var record = msg.record();
    var origin = ImportMark.originOf(record.headers());
    var parsed = parser.parse(record.value(), Instant.ofEpochMilli(record.timestamp()), origin);
    return new Read(msg.committableOffset(), BatchProcessor.consumed(record, parsed), origin == Origin.IMPORT);
  }

  private CompletionStage<ConsumerMessage.Committable> apply(List<Read> batch) {
    var records = new ArrayList<BatchProcessor.Consumed>(batch.size());
    var live = new ArrayList<BatchProcessor.Consumed>(batch.size());
    // what a batch commits: the last offset of each partition it read
    var offsets = new LinkedHashMap<ConsumerMessage.GroupTopicPartition, ConsumerMessage.CommittableOffset>();
    for (var read : batch) {
      records.add(read.consumed());
      if (!read.imported()) live.add(read.consumed());
      offsets.put(read.offset().partitionOffset().key(), read.offset());
    }
    stats.batchStarted(batch.size());
    var started = System.currentTimeMillis();
    // A failed batch fails the stream, which restarts from the last commit; entities are idempotent.
    return processor.process(records)
        .whenComplete((d, e) -> {
          stats.batchEnded(records.size());
          if (e != null) log.warn("Batch of {} records failed; the stream restarts from the last commit: {}", records.size(), e.toString());
        })
        .thenApply(done -> {
          var now = System.currentTimeMillis();
          // the latency of live events only: an imported event's time is months or years ago
          for (var r : live) {
            if (r instanceof BatchProcessor.Accepted a) stats.persisted(a.delivered().event().timestamp().toEpochMilli(), started, now);
          }
          return ConsumerMessage.createCommittableOffsetBatch(List.copyOf(offsets.values()));
        });
  }

  /** Stops fetching, lets the batches in hand finish and commit, then completes. */
  public CompletionStage<Done> drain() {
    if (completion == null) return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    return control.get().drainAndShutdown(completion, system.executionContext());
  }

  /** Stops at once, without draining or committing what is in hand: what a crash looks like to the broker. */
  public void abort() {
    if (killSwitch != null) killSwitch.abort(new IllegalStateException("ingest stream aborted"));
  }
}
