package dev.beacon.ingest;

import dev.beacon.common.LogContext;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.AutoSubscription;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
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
 * A topic consumed in micro-batches: a committable source, each record read as it comes, grouped
 * by size and time, each batch applied, and its offsets (the last one of each partition it read)
 * committed, in order, only once the batch is applied. A few batches may be in flight. A failed
 * batch fails the stream, which restarts with backoff from the last commit. {@link #drain()} stops
 * fetching, finishes the batches in hand and commits; {@link #abort()} stops at once without
 * committing, which is what a crash looks like to the broker. Each batch's size and the time it
 * took to apply (every entity persisted its share) are on /metrics, tagged with the topic
 * ({@code beacon.batch.size}, {@code beacon.batch.persist}).
 *
 * @param <R> a record as read, which the batch is applied with
 */
public final class MicroBatchStream<R> {
  private static final Logger log = LoggerFactory.getLogger(MicroBatchStream.class);

  /** How batches are cut and applied: at most {@code size} records or {@code window}; {@code parallelism} in flight. */
  public record Batching(int size, Duration window, int parallelism, Duration minBackoff, Duration maxBackoff) {}

  /** What the stream does with its records, and what it is told. */
  public interface Handler<R> {
    R read(ConsumerRecord<String, byte[]> record);

    /** Completes once the batch may be committed; a failure restarts the stream from the last commit. */
    CompletionStage<?> apply(List<R> batch);

    /** The stream (re)starts from the last commit: earlier batches are no longer waited for. */
    default void restarted() {}

    /** A batch's offsets were committed. */
    default void committed() {}
  }

  private final ActorSystem<?> system;
  private final String name;
  private final String topic;
  private final ConsumerSettings<String, byte[]> consumerSettings;
  private final Batching batching;
  private final Handler<R> handler;
  private final DistributionSummary batchSize;
  private final Timer batchPersist;
  private final AtomicReference<Consumer.Control> control = new AtomicReference<>(Consumer.createNoopControl());
  private CompletionStage<Done> completion;
  private UniqueKillSwitch killSwitch;
  private AutoSubscription subscription;

  /**
   * {@code name}: the stream in log lines ("Ingest stream"); read as consumer group {@code groupId}
   * with Beacon's client properties; its batches measured in {@code registry}.
   */
  public MicroBatchStream(ActorSystem<?> system, String name, KafkaSettings kafka, String topic, String groupId, Batching batching,
      Handler<R> handler, MeterRegistry registry) {
    this.system = system;
    this.name = name;
    this.topic = topic;
    this.consumerSettings = consumerSettings(system, kafka, groupId);
    this.batching = batching;
    this.handler = handler;
    this.subscription = Subscriptions.topics(topic);
    this.batchSize = DistributionSummary.builder("beacon.batch.size")
        .description("records in each micro-batch of a consumer stream, by topic")
        .tags("topic", topic)
        .serviceLevelObjectives(sizeBuckets(batching.size()))
        .register(registry);
    this.batchPersist = Timer.builder("beacon.batch.persist")
        .description("time from a micro-batch's start until every entity persisted its share, by topic")
        .tags("topic", topic)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  /** Powers of 4 up to the largest batch: a few buckets that still tell 1 from 100 from 20,000. */
  private static double[] sizeBuckets(int largest) {
    var buckets = new ArrayList<Double>();
    for (long b = 1; b < largest; b *= 4) buckets.add((double) b);
    buckets.add((double) largest);
    return buckets.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** {@code pekko.kafka.consumer} with the bootstrap servers, the group and the client properties. */
  static ConsumerSettings<String, byte[]> consumerSettings(ActorSystem<?> system, KafkaSettings kafka, String groupId) {
    return ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer())
        .withBootstrapServers(kafka.bootstrapServers())
        .withGroupId(groupId)
        .withProperties(kafka.clientProperties());
  }

  /** Tells {@code listener} of every partition the group assigns or revokes this consumer; before {@link #start()}. */
  public MicroBatchStream<R> withRebalanceListener(ActorRef<ConsumerRebalanceEvent> listener) {
    subscription = subscription.withRebalanceListener(Adapter.toClassic(listener));
    return this;
  }

  public MicroBatchStream<R> start() {
    var committerSettings = CommitterSettings.create(system);
    var restart = RestartSettings.create(batching.minBackoff(), batching.maxBackoff(), 0.2);
    var running = RestartSource.onFailuresWithBackoff(restart, () ->
            Consumer.committableSource(consumerSettings, subscription)
                .mapMaterializedValue(c -> {
                  handler.restarted();
                  control.set(c);
                  return c;
                })
                .map(msg -> Pair.create(msg.committableOffset(), handler.read(msg.record())))
                .async()
                .groupedWithin(batching.size(), batching.window())
                .mapAsync(batching.parallelism(), this::apply)
                .via(Committer.flow(committerSettings))
                .map(done -> {
                  handler.committed();
                  return done;
                }))
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    killSwitch = running.first();
    completion = running.second();
    completion.whenComplete((done, error) -> {
      try (var logged = LogContext.topic(topic)) {
        if (error != null) log.error("{} on {} stopped", name, topic, error);
        else log.info("{} on {} completed", name, topic);
      }
    });
    return this;
  }

  private CompletionStage<ConsumerMessage.Committable> apply(List<Pair<ConsumerMessage.CommittableOffset, R>> batch) {
    var records = new ArrayList<R>(batch.size());
    // what a batch commits: the last offset of each partition it read
    var offsets = new LinkedHashMap<ConsumerMessage.GroupTopicPartition, ConsumerMessage.CommittableOffset>();
    for (var read : batch) {
      records.add(read.second());
      offsets.put(read.first().partitionOffset().key(), read.first());
    }
    batchSize.record(records.size());
    var started = Timer.start();
    return handler.apply(records).thenApply(applied -> {
      started.stop(batchPersist);
      return ConsumerMessage.createCommittableOffsetBatch(List.copyOf(offsets.values()));
    });
  }

  /** The consumer's own metrics ({@code records-lag} per partition among them); none while it is not running. */
  public CompletionStage<Map<MetricName, Metric>> consumerMetrics() {
    return control.get().getMetrics();
  }

  /** Stops fetching, lets the batches in hand finish and commit, then completes. */
  public CompletionStage<Done> drain() {
    if (completion == null) return CompletableFuture.completedFuture(Done.getInstance());
    return control.get().drainAndShutdown(completion, system.executionContext());
  }

  /** Stops at once, without draining or committing what is in hand. */
  public void abort() {
    if (killSwitch != null) killSwitch.abort(new IllegalStateException(name + " aborted"));
  }
}
