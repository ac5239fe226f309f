package dev.beacon.bandit.model;

import dev.beacon.common.LogContext;
import dev.beacon.ingest.DeadLetters;
import dev.beacon.ingest.EntityChain;
import dev.beacon.ingest.IngestSettings;
import dev.beacon.ingest.KafkaSettings;
import dev.beacon.ingest.MicroBatchStream;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models' learning stream: the interactions topic read in micro-batches ({@link
 * MicroBatchStream}), each record read ({@link InteractionRecords}), each batch grouped per model,
 * each model's share sent as one {@link BanditModel.LearnInteractions} with the highest offset of
 * each partition in it, and the batch's offsets committed only after every model persisted its
 * share and every refused record is on the dead-letter topic. A model learns a share in one
 * event, all or nothing: when it refuses records, they go to the dead-letter topic first and the
 * rest is sent again with the same offsets, so no offset a model keeps ever covers a record that
 * is neither learned nor dead-lettered. Several batches may be in flight; each model gets its
 * shares one after the other, and never one after a share that failed ({@link EntityChain}), so a
 * model has always taken a prefix of each partition and recognises a redelivered record by its
 * offset. A failed batch fails the stream, which restarts with backoff from the last commit.
 */
final class InteractionStream implements MicroBatchStream.Handler<InteractionStream.Read> {
  private static final Logger log = LoggerFactory.getLogger(InteractionStream.class);
  private final ModelStreamSettings settings;
  private final Duration timeout;
  private final InteractionRecords records;
  private final DeadLetters deadLetters;
  private final InteractionStats stats;
  private final ClusterSharding sharding;
  private final EntityChain chain = new EntityChain();
  private final MicroBatchStream<Read> stream;

  /** {@code ingest}: the entity timeout and the restart backoff, which the streams share. */
  InteractionStream(ActorSystem<?> system, KafkaSettings kafka, ModelStreamSettings settings, IngestSettings ingest,
      DeadLetters deadLetters, InteractionStats stats, MeterRegistry registry) {
    this.settings = settings;
    this.timeout = ingest.entityTimeout();
    this.records = new InteractionRecords(settings.defaultModel());
    this.deadLetters = deadLetters;
    this.stats = stats;
    this.sharding = ClusterSharding.get(system);
    this.stream = new MicroBatchStream<>(system, "Interactions stream", kafka, settings.interactionsTopic(),
        settings.interactionsGroupId(), new MicroBatchStream.Batching(settings.batchSize(), settings.batchWindow(),
            settings.parallelism(), ingest.retryMinBackoff(), ingest.retryMaxBackoff()), this, registry);
  }

  InteractionStream start() {
    stream.start();
    try (var logged = LogContext.topic(settings.interactionsTopic())) {
      log.info("Interactions stream consuming {} as group {}; dead letters to {}", settings.interactionsTopic(),
          settings.interactionsGroupId(), settings.interactionsDeadLetterTopic());
    }
    return this;
  }

  /** A record as a batch keeps it: kept whole until its model took it, for the dead-letter topic. */
  record Read(ConsumerRecord<String, byte[]> record, InteractionRecords.Parsed parsed) {}

  @Override
  public Read read(ConsumerRecord<String, byte[]> record) {
    var partition = record.topic() + "-" + record.partition();
    return new Read(record, records.parse(record.value(), partition, record.offset()));
  }

  /** One model's share of a batch: its records, and the highest offset of each partition among them. */
  private record Share(List<ConsumerRecord<String, byte[]>> records, List<Interaction> interactions, Map<String, Long> offsets) {
    Share() {
      this(new ArrayList<>(), new ArrayList<>(), new HashMap<>());
    }

    void add(ConsumerRecord<String, byte[]> record, Interaction interaction) {
      records.add(record);
      interactions.add(interaction);
      offsets.merge(interaction.partition(), interaction.offset(), Math::max);
    }
  }

  @Override
  public CompletionStage<Void> apply(List<Read> batch) {
    var shares = new LinkedHashMap<String, Share>();
    var all = new ArrayList<CompletableFuture<?>>();
    for (var read : batch) {
      if (read.parsed() instanceof InteractionRecords.Read r) {
        shares.computeIfAbsent(r.modelId(), id -> new Share()).add(read.record(), r.interaction());
      } else {
        all.add(deadLetters.send(read.record(), ((InteractionRecords.Unreadable) read.parsed()).reasons()).toCompletableFuture());
        stats.deadLettered(1);
      }
    }
    // every model's slot is taken now, in batch order
    shares.forEach((modelId, share) -> all.add(chain.next(BanditModel.ENTITY_TYPE_KEY.name() + "|" + modelId,
        () -> learn(modelId, share))));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      if (e == null) {
        stats.batch(batch.size());
        return;
      }
      try (var logged = LogContext.topic(settings.interactionsTopic())) {
        log.warn("Batch of {} interactions failed; the stream restarts from the last commit: {}", batch.size(), e.toString());
      }
    });
  }

  @Override
  public void restarted() {
    chain.reset();
  }

  /** Sends the share; what the model refuses goes to the dead-letter topic, and the rest is sent again. */
  private CompletionStage<Done> learn(String modelId, Share share) {
    return sharding.entityRefFor(BanditModel.ENTITY_TYPE_KEY, modelId)
        .<Interaction.Taken>askWithStatus(replyTo -> new BanditModel.LearnInteractions(share.interactions(), share.offsets(), replyTo),
            timeout)
        .thenCompose(taken -> {
          if (taken.refused().isEmpty()) {
            stats.share(share.interactions().size(), taken);
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          var refused = new boolean[share.interactions().size()];
          var sends = new ArrayList<CompletableFuture<?>>();
          for (var refusal : taken.refused()) {
            refused[refusal.index()] = true;
            sends.add(deadLetters.send(share.records().get(refusal.index()), List.of(refusal.reason())).toCompletableFuture());
          }
          stats.deadLettered(taken.refused().size());
          var rest = new Share(new ArrayList<>(), new ArrayList<>(), share.offsets());
          for (var i = 0; i < refused.length; i++) {
            if (!refused[i]) {
              rest.records().add(share.records().get(i));
              rest.interactions().add(share.interactions().get(i));
            }
          }
          return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
              .thenCompose(v -> rest.interactions().isEmpty() ? CompletableFuture.completedFuture(Done.getInstance()) : learn(modelId, rest));
        });
  }

  /** The consumer's metrics, {@code records-lag} per partition among them. */
  CompletionStage<Map<MetricName, Metric>> consumerMetrics() {
    return stream.consumerMetrics();
  }

  /** Stops fetching, lets the batches in hand finish and commit, then completes. */
  CompletionStage<Done> drain() {
    return stream.drain();
  }

  /** Stops at once, without draining or committing what is in hand: what a crash looks like to the broker. */
  void abort() {
    stream.abort();
  }
}
