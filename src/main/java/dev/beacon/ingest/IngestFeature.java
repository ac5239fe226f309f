package dev.beacon.ingest;

import dev.beacon.common.HttpSettings;
import dev.beacon.common.Json;
import dev.beacon.event.BatchPart;
import dev.beacon.event.EventParser;
import dev.beacon.event.EventSettings;
import dev.beacon.security.Access;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest plugged into a server: HTTP intake onto the events topic, the pipeline status, and
 * the stream that reads the topic in micro-batches and hands each batch to the features' parts
 * in turn (their features start their entities before {@link #startConsuming}); the shards of
 * the parts that follow partitions are placed on the node that consumes each partition.
 */
public final class IngestFeature implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestFeature.class);
  private final IngestSettings settings;
  private final IngestStats stats;
  private final IngestStream stream;
  private final PipelineStatus status;
  private final Route routes;
  private final HttpIntake intake;

  private IngestFeature(IngestSettings settings, IngestStats stats, IngestStream stream, PipelineStatus status,
      HttpIntake intake, Route routes) {
    this.settings = settings;
    this.intake = intake;
    this.stats = stats;
    this.stream = stream;
    this.status = status;
    this.routes = routes;
  }

  /** {@code parts}: the features' parts of each micro-batch, in the order the batch goes through them. */
  public static IngestFeature start(ActorSystem<?> system, KafkaSettings kafka, IngestSettings settings,
      EventSettings events, HttpSettings http, EventProducer producer, List<BatchPart> parts, MeterRegistry registry,
      Access access, Clock clock) {
    var stats = new IngestStats(clock);
    stats.bindTo(registry);
    var parser = new EventParser(events, clock);
    var deadLetters = new DeadLetters(producer, kafka.deadLetterTopic(), Json.MAPPER, registry);
    var processor = new BatchProcessor(parts, deadLetters, stats, settings.entityTimeout());
    var stream = new IngestStream(system, kafka, settings, parser, processor, stats, registry);
    placeShardsByPartition(system, kafka, parts, stream);
    var status = new PipelineStatus(kafka, stats);
    var intake = new HttpIntake(parser, producer, deadLetters, kafka, stats, clock, http.maxBatch(), http.maxBodySize());
    var routes = new IngestRoutes(intake, status, http.maxBodySize(), Materializer.matFromSystem(system), access).routes();
    return new IngestFeature(settings, stats, stream, status, intake, routes);
  }

  /**
   * The parts whose shards follow partitions get them placed on the node that consumes each
   * partition ({@link PartitionShardListener}). Their shard counts should be the topic's
   * partitions; when not, events are still processed exactly, but not where they are read.
   */
  private static void placeShardsByPartition(ActorSystem<?> system, KafkaSettings kafka, List<BatchPart> parts,
      IngestStream stream) {
    var shardsByType = new LinkedHashMap<String, Integer>();
    for (var part : parts) part.shardsByPartition().ifPresent(shards -> shardsByType.put(part.entityType(), shards));
    if (shardsByType.isEmpty()) return;
    var partitions = Topics.partitionCount(kafka, kafka.topic());
    shardsByType.forEach((type, shards) -> {
      if (shards != partitions) {
        log.warn("{} has {} shards but {} has {} partitions: its entities are not processed where their events are read "
            + "(set beacon.journey.shards to the partitions, and buckets to a multiple)", type, shards, kafka.topic(), partitions);
      }
    });
    stream.withRebalanceListener(system.systemActorOf(PartitionShardListener.create(kafka.topic(), shardsByType),
        "partition-shard-listener", Props.empty()));
  }

  public Route routes() {
    return routes;
  }

  /** HTTP intake, for the routes of other protocols that write events ({@link HttpIntake#acceptTracked}). */
  public HttpIntake intake() {
    return intake;
  }

  public IngestStats stats() {
    return stats;
  }

  /** Starts reading the topic, unless {@code beacon.ingest.enabled} is off. */
  public void startConsuming() {
    if (settings.enabled()) stream.start();
  }

  /** The ingest consumer's metrics, {@code records-lag} per partition among them. */
  public CompletionStage<Map<MetricName, Metric>> consumerMetrics() {
    return stream.consumerMetrics();
  }

  /** Stops fetching, finishes the batch in hand and commits it. */
  public CompletionStage<Done> drain() {
    return stream.drain();
  }

  /** What a crash does to the stream: it stops without draining or committing. */
  public void abort() {
    stream.abort();
  }

  @Override
  public void close() {
    status.close();
  }
}
