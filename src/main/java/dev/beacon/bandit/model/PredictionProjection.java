package dev.beacon.bandit.model;

import dev.beacon.common.Json;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.common.TaggedProjections;
import dev.beacon.ingest.EventProducer;
import dev.beacon.ops.ProjectionLag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Publishes every decision of the models to the predictions topic: one projection per model tag,
 * run as a sharded daemon process, reading the tagged {@link BanditModel.Decided} events and
 * producing each as a {@link Prediction} keyed by its model id with Beacon's producer (idempotent,
 * acks=all). A group's offset is stored only after the broker acknowledged all of its records, so
 * a decision is published at least once, across crashes too; a consumer dedups by modelId and
 * decisionId. Records of one model keep the order of its decisions.
 */
final class PredictionProjection {
  /** The projection's name, by which its offsets are stored. */
  static final String NAME = "bandit-predictions";

  private PredictionProjection() {}

  /**
   * A decision as the predictions topic carries it. {@code features}: what it was decided from
   * (the event keeps no scores); {@code userId} may be null.
   */
  record Prediction(String modelId, String organizationId, String decisionId, String arm, double propensity,
      double[] features, long modelVersion, String userId, Instant decidedAt) {}

  static void init(ActorSystem<?> system, ReadSideDatabase database, EventProducer producer, String topic, BanditModels models,
      ProjectionLag lag) {
    TaggedProjections.<BanditModel.Event>atLeastOnce(system, NAME, BanditModel.TAGS, database,
        () -> new Publisher(producer, topic, models, lag));
  }

  private static final class Publisher extends Handler<List<EventEnvelope<BanditModel.Event>>> {
    private static final String PERSISTENCE_ID_PREFIX = BanditModel.ENTITY_TYPE_KEY.name() + "|";
    private final EventProducer producer;
    private final String topic;
    private final BanditModels models;
    private final ProjectionLag lag;

    Publisher(EventProducer producer, String topic, BanditModels models, ProjectionLag lag) {
      this.producer = producer;
      this.topic = topic;
      this.models = models;
      this.lag = lag;
    }

    @Override
    public CompletionStage<Done> process(List<EventEnvelope<BanditModel.Event>> envelopes) {
      var decisions = new ArrayList<EventEnvelope<BanditModel.Event>>(envelopes.size());
      var organizations = new HashMap<String, CompletableFuture<String>>();
      for (var envelope : envelopes) {
        if (!(envelope.event() instanceof BanditModel.Decided)) continue;
        decisions.add(envelope);
        organizations.computeIfAbsent(modelId(envelope), id -> models.organizationOf(id).toCompletableFuture());
      }
      return CompletableFuture.allOf(organizations.values().toArray(CompletableFuture[]::new)).thenCompose(v -> {
        // sent in order, so one model's records keep the order of its decisions
        var sends = new ArrayList<CompletableFuture<?>>(decisions.size());
        for (var envelope : decisions) {
          var modelId = modelId(envelope);
          var d = (BanditModel.Decided) envelope.event();
          var prediction = new Prediction(modelId, organizations.get(modelId).join(), ModelChecks.decisionId(d.number()), d.arm(),
              d.propensity(), d.features(), d.modelVersion(), d.userId(), Instant.ofEpochMilli(d.atMillis()));
          sends.add(producer.send(new ProducerRecord<>(topic, modelId, json(prediction))).toCompletableFuture());
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(done -> {
          lag.handled(envelopes);
          return Done.getInstance();
        });
      });
    }

    private static String modelId(EventEnvelope<BanditModel.Event> envelope) {
      return envelope.persistenceId().substring(PERSISTENCE_ID_PREFIX.length());
    }

    private static byte[] json(Prediction prediction) {
      try {
        return Json.MAPPER.writeValueAsBytes(prediction);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("a prediction of strings and numbers always serializes", e);
      }
    }
  }
}
