package dev.beacon.bandit.model;

import dev.beacon.common.Json;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.ingest.DeadLetters;
import dev.beacon.ingest.EventProducer;
import dev.beacon.ingest.IngestSettings;
import dev.beacon.ingest.KafkaSettings;
import dev.beacon.ops.ProjectionLag;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The models' Kafka streams plugged into a server (after {@link BanditModelFeature} started the
 * models): the interactions stream they learn from, which runs when {@code beacon.ingest.enabled}
 * is on, and the projection that publishes their decisions to the predictions topic.
 */
public final class ModelStreams {
  private final IngestSettings ingest;
  private final InteractionStream interactions;
  private final InteractionStats stats;

  private ModelStreams(IngestSettings ingest, InteractionStream interactions, InteractionStats stats) {
    this.ingest = ingest;
    this.interactions = interactions;
    this.stats = stats;
  }

  /** Starts the predictions projection; {@link #startConsuming} starts the interactions stream. */
  public static ModelStreams start(ActorSystem<?> system, ModelStreamSettings settings, KafkaSettings kafka, IngestSettings ingest,
      EventProducer producer, ReadSideDatabase readSide, MeterRegistry registry, Duration askTimeout) {
    PredictionProjection.init(system, readSide, producer, settings.predictionsTopic(),
        new BanditModels(ClusterSharding.get(system), askTimeout), new ProjectionLag(registry, "bandit-predictions"));
    var stats = new InteractionStats();
    stats.bindTo(registry);
    var deadLetters = new DeadLetters(producer, settings.interactionsDeadLetterTopic(), Json.MAPPER, registry);
    return new ModelStreams(ingest, new InteractionStream(system, kafka, settings, ingest, deadLetters, stats, registry), stats);
  }

  public void startConsuming() {
    if (ingest.enabled()) interactions.start();
  }

  /** The interactions consumer's metrics, {@code records-lag} per partition among them. */
  public CompletionStage<Map<MetricName, Metric>> consumerMetrics() {
    return interactions.consumerMetrics();
  }

  /** Stops fetching interactions, finishes the batches in hand and commits them. */
  public CompletionStage<Done> drain() {
    return interactions.drain();
  }

  /** What a crash does to the interactions stream: it stops without draining or committing. */
  public void abort() {
    interactions.abort();
  }

  public InteractionStats stats() {
    return stats;
  }
}
