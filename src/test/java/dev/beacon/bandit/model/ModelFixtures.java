package dev.beacon.bandit.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.beacon.bandit.LinUcbParameters;
import dev.beacon.common.Entities;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestKits;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/** Settings, a model spawned on a testkit with the JDBC journal, and what it persisted. */
final class ModelFixtures {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String ORG = "acme";
  static final List<String> ARMS = List.of("spring-sale", "newsletter", "retargeting");
  static final int DIMENSION = 3;

  private ModelFixtures() {}

  /** A testkit whose journal is an H2 database of its own in a new temporary directory. */
  static ActorTestKit kitWithJournal(String name) {
    return TestKits.withJournal(name, h2(), "");
  }

  /** application.conf's beacon.bandit with a dimension of 3, a close check every 100 ms and {@code overrides}. */
  static BanditSettings settings(String overrides) {
    var application = ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.bandit");
    return BanditSettings.from(ConfigFactory.parseString("dimension = " + DIMENSION + "\nclose-check-interval = 100ms\n" + overrides)
        .withFallback(application));
  }

  /** An H2 database in a fresh temporary folder, for one test class's journal. */
  static TestDatabase h2() {
    try {
      return TestDatabase.h2(java.nio.file.Files.createTempDirectory("beacon-models"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static double[] x(double... values) {
    return values;
  }

  /** One model actor and the calls a test makes to it, each answered within 10 s. */
  static final class Model {
    final ActorTestKit kit;
    final String id;
    final BanditSettings settings;
    final Clock clock;
    final RandomGenerator random;
    ActorRef<BanditModel.Command> ref;

    Model(ActorTestKit kit, String id, BanditSettings settings, Clock clock, RandomGenerator random) {
      this.kit = kit;
      this.id = id;
      this.settings = settings;
      this.clock = clock;
      this.random = random;
      this.ref = kit.spawn(BanditModel.create(id, settings, clock, random));
    }

    Model(ActorTestKit kit, String id, BanditSettings settings, Clock clock) {
      this(kit, id, settings, clock, new SplittableRandom(7));
    }

    <T> StatusReply<T> ask(Function<ActorRef<StatusReply<T>>, BanditModel.Command> command) {
      var probe = kit.<StatusReply<T>>createTestProbe();
      ref.tell(command.apply(probe.ref()));
      return probe.receiveMessage(Duration.ofSeconds(10));
    }

    StatusReply<BanditModel.Configuration> configure(String organizationId, List<String> arms, Integer dimension, Double alpha,
        Double lambda) {
      return ask(replyTo -> new BanditModel.Configure(organizationId, arms, dimension, alpha, lambda, replyTo));
    }

    /** Configured for {@link #ORG} with {@link #ARMS} and the settings' defaults. */
    Model configured() {
      assertThat(configure(ORG, ARMS, null, null, null).isSuccess()).isTrue();
      return this;
    }

    StatusReply<BanditModel.DecisionMade> decide(double... features) {
      return ask(replyTo -> new BanditModel.Decide(features, null, replyTo));
    }

    /** A decision on {@code features} for {@code userId}: one a conversion of theirs can reward. */
    BanditModel.DecisionMade decideFor(String userId, double... features) {
      return this.<BanditModel.DecisionMade>ask(replyTo -> new BanditModel.Decide(features, userId, replyTo)).getValue();
    }

    StatusReply<BanditModel.DecisionMade> decideForUser(String userId, double[] context) {
      return decideForUser(userId, context, true);
    }

    /** {@code adPersonalization}: whether the user granted it. */
    StatusReply<BanditModel.DecisionMade> decideForUser(String userId, double[] context, boolean adPersonalization) {
      return ask(replyTo -> new BanditModel.DecideForUser(userId, context, adPersonalization, replyTo));
    }

    /** The decision ids the conversions rewarded. */
    List<String> rewardConversions(BanditModel.ConversionSeen... conversions) {
      return this.<BanditModel.ConversionsRewarded>ask(replyTo -> new BanditModel.RewardConversions(List.of(conversions), replyTo))
          .getValue().decisionIds();
    }

    StatusReply<BanditModel.RewardTaken> reward(String decisionId, double reward) {
      return ask(replyTo -> new BanditModel.Reward(decisionId, reward, replyTo));
    }

    StatusReply<ModelStats> statsReply() {
      return ask(BanditModel.GetStats::new);
    }

    ModelStats stats() {
      return statsReply().getValue();
    }

    LinUcbParameters export() {
      return this.<BanditModel.Exported>ask(BanditModel.Export::new).getValue().parameters();
    }

    List<BanditModel.CheckpointInfo> checkpoints() {
      return this.<BanditModel.Checkpoints>ask(BanditModel.ListCheckpoints::new).getValue().checkpoints();
    }

    StatusReply<ModelStats> rollback(String checkpoint) {
      return ask(replyTo -> new BanditModel.Rollback(checkpoint, replyTo));
    }

    StatusReply<ModelStats> importParameters(LinUcbParameters parameters) {
      return ask(replyTo -> new BanditModel.Import(parameters, replyTo));
    }

    /** Decides and rewards the decision with {@code reward}; the decision. */
    BanditModel.DecisionMade learn(double[] features, double reward) {
      var decision = decide(features).getValue();
      assertThat(reward(decision.decisionId(), reward).getValue().learned()).isTrue();
      return decision;
    }

    /** Stops the actor (its state is in the journal) and starts it again: a recovery from snapshot and events. */
    void restart() {
      var probe = kit.createTestProbe();
      ref.tell(new BanditModel.Passivate());
      probe.expectTerminated(ref, Duration.ofSeconds(10));
      ref = kit.spawn(BanditModel.create(id, settings, clock, random));
    }

    /** Every event the model persisted, in order, as read back from the journal. */
    List<Object> journal() {
      var query = PersistenceQuery.get(kit.system().classicSystem())
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      return query.currentEventsByPersistenceId(persistenceId(), 0, Long.MAX_VALUE).map(e -> e.event())
          .runWith(Sink.seq(), kit.system()).toCompletableFuture().join();
    }

    String persistenceId() {
      return Entities.persistenceId(BanditModel.ENTITY_TYPE_KEY, id).id();
    }

    /** How many snapshots the store holds for this model. */
    int snapshots(TestDatabase db) throws SQLException {
      try (var c = db.connect();
          var st = c.prepareStatement("SELECT count(*) FROM \"snapshot\" WHERE \"persistence_id\" = ?")) {
        st.setString(1, persistenceId());
        try (var rows = st.executeQuery()) {
          rows.next();
          return rows.getInt(1);
        }
      }
    }
  }
}
