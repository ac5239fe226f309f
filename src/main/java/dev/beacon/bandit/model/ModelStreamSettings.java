package dev.beacon.bandit.model;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The models' Kafka streams, under {@code beacon.bandit}: the interactions topic they learn from
 * (its consumer group, its dead-letter topic, its micro-batches, the model of records that name
 * none) and the predictions topic every decision is published to.
 *
 * @param interactionsTopic records of the old learner's shape (features, action, reward) and rewards of decisions
 * @param interactionsDeadLetterTopic where a record no model can take goes, with its reasons
 * @param interactionsGroupId the consumer group of the interactions topic
 * @param defaultModel the model of a record without modelId; empty: such a record is dead-lettered
 * @param batchSize a micro-batch closes at this many records ...
 * @param batchWindow ... or after this long
 * @param parallelism micro-batches in flight (each model still takes its shares one after the other)
 * @param predictionsTopic every decision, keyed by model id
 */
public record ModelStreamSettings(String interactionsTopic, String interactionsDeadLetterTopic, String interactionsGroupId,
    Optional<String> defaultModel, int batchSize, Duration batchWindow, int parallelism, String predictionsTopic) {

  public ModelStreamSettings {
    if (batchSize < 1) throw new IllegalArgumentException("beacon.bandit.interactions-batch-size: at least 1");
    if (parallelism < 1) throw new IllegalArgumentException("beacon.bandit.interactions-parallelism: at least 1");
  }

  /** {@code c}: {@code beacon.bandit}. */
  public static ModelStreamSettings from(Config c) {
    var defaultModel = c.getString("interactions-default-model");
    return new ModelStreamSettings(
        c.getString("interactions-topic"),
        c.getString("interactions-dead-letter-topic"),
        c.getString("interactions-group-id"),
        defaultModel.isBlank() ? Optional.empty() : Optional.of(defaultModel),
        c.getInt("interactions-batch-size"),
        c.getDuration("interactions-batch-window"),
        c.getInt("interactions-parallelism"),
        c.getString("predictions-topic"));
  }

  /** The topics Beacon creates at start when they are missing. */
  public List<String> topics() {
    return List.of(interactionsTopic, interactionsDeadLetterTopic, predictionsTopic);
  }
}
