package dev.beacon.ingest;

import dev.beacon.common.StartupFailure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Beacon's topics at start when they are missing (the events topic, its dead-letter topic,
 * and the topics of other features); existing topics are left as they are.
 * A new topic is ready only when every partition has a leader: an idempotent producer that
 * writes earlier can have its first batch refused while later ones land, and then never recovers.
 * A broker that does not answer within the start-up timeout stops the start.
 */
public final class Topics {
  private static final Logger log = LoggerFactory.getLogger(Topics.class);
  private static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(2);

  private Topics() {}

  public static void ensure(KafkaSettings settings) {
    ensure(settings, List.of());
  }

  /** {@code more}: other features' topics, created with the same partitions and replication. */
  public static void ensure(KafkaSettings settings, Collection<String> more) {
    var names = new LinkedHashSet<String>(List.of(settings.topic(), settings.deadLetterTopic()));
    names.addAll(more);
    var timeout = (int) settings.startupTimeout().toMillis();
    try (var admin = Admin.create(settings.clientConfig(Map.of(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout)))) {
      var existing = admin.listTopics().names().get();
      var missing = new ArrayList<NewTopic>();
      for (var name : names) {
        if (!existing.contains(name)) missing.add(new NewTopic(name, settings.partitions(), settings.replicationFactor()));
      }
      if (missing.isEmpty()) return;
      admin.createTopics(missing).all().get();
      awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
      log.info("Created topics {} with {} partitions", missing.stream().map(NewTopic::name).toList(), settings.partitions());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) return;
      if (e.getCause() instanceof AuthenticationException) {
        throw new StartupFailure("Kafka at " + settings.bootstrapServers() + " refused Beacon's connection ("
            + StartupFailure.rootReason(e) + "); check " + KafkaSettings.SECURITY_SETTINGS, e);
      }
      if (e.getCause() instanceof AuthorizationException) {
        throw new StartupFailure("Kafka at " + settings.bootstrapServers() + " does not let Beacon list or create "
            + "its topics (" + StartupFailure.rootReason(e) + "); grant it in the broker's ACLs", e);
      }
      if (e.getCause() instanceof TimeoutException) {
        throw new StartupFailure("Kafka at " + settings.bootstrapServers() + " did not answer within "
            + settings.startupTimeout().toSeconds() + " s; start it, or point BEACON_KAFKA_BOOTSTRAP at a running one", e);
      }
      throw new StartupFailure("Kafka at " + settings.bootstrapServers() + " could not create the topics: "
          + StartupFailure.rootReason(e), e);
    } catch (KafkaException e) {
      // Admin.create refuses bootstrap servers that do not resolve.
      throw new StartupFailure("Kafka at " + settings.bootstrapServers() + " cannot be reached ("
          + StartupFailure.rootReason(e) + "); check BEACON_KAFKA_BOOTSTRAP", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating Kafka topics", e);
    }
  }

  /** The number of partitions of an existing topic. */
  public static int partitionCount(KafkaSettings settings, String topic) {
    var timeout = (int) settings.startupTimeout().toMillis();
    try (var admin = Admin.create(settings.clientConfig(Map.of(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout)))) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    } catch (ExecutionException e) {
      throw new StartupFailure("Kafka at " + settings.bootstrapServers() + " could not describe " + topic + ": "
          + StartupFailure.rootReason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing " + topic, e);
    }
  }

  /** Waits until every partition of the topics has a leader (at most 30 s). */
  public static void awaitLeaders(Admin admin, java.util.Collection<String> topics) throws ExecutionException, InterruptedException {
    var deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        var described = admin.describeTopics(topics).allTopicNames().get();
        var ready = described.values().stream()
            .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (ready) {
          // Leaders are named before the broker has taken them up: give it a moment, or the first
          // produce request may be refused while later ones land.
          Thread.sleep(SETTLE.toMillis());
          return;
        }
      } catch (ExecutionException e) {
        // Just created: the metadata may not know the topic yet.
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) throw e;
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("no leader for every partition of " + topics + " after 30 s");
      Thread.sleep(50);
    }
  }
}
