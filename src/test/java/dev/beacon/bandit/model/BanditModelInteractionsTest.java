package dev.beacon.bandit.model;

import static dev.beacon.bandit.model.ModelFixtures.ARMS;
import static dev.beacon.bandit.model.ModelFixtures.NOW;
import static dev.beacon.bandit.model.ModelFixtures.settings;
import static dev.beacon.bandit.model.ModelFixtures.x;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bandit.LinUcb;
import dev.beacon.bandit.model.ModelFixtures.Model;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestKits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A model learning its shares of the interactions topic, on the JDBC journal (H2): a share is
 * one event that learns each interaction as if it came alone; a record at or below the offset
 * taken of its partition is skipped, also after a restart from a snapshot; a share with a record
 * the model cannot take learns nothing and names each such record; rewards of decisions are
 * judged as over HTTP; checkpoints count every interaction, and snapshots, taken as the updates
 * pass each hundred, come at most once per hundred events.
 */
class BanditModelInteractionsTest {
  private static final String P0 = "beacon.interactions-0";
  private static final String P1 = "beacon.interactions-1";
  private static final TestDatabase db = ModelFixtures.h2();
  private static final ActorTestKit testKit = TestKits.withJournal("BanditModelInteractionsTest", db, "");
  private static final AtomicInteger models = new AtomicInteger();

  private final MovableClock clock = new MovableClock(NOW);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private Model model(String overrides) {
    return new Model(testKit, "model-" + models.incrementAndGet(), settings(overrides), clock).configured();
  }

  private static Interaction.Taken learn(Model model, List<Interaction> share) {
    var offsets = new HashMap<String, Long>();
    for (var i : share) offsets.merge(i.partition(), i.offset(), Math::max);
    return learn(model, share, offsets);
  }

  private static Interaction.Taken learn(Model model, List<Interaction> share, Map<String, Long> offsets) {
    return model.<Interaction.Taken>ask(replyTo -> new BanditModel.LearnInteractions(share, offsets, replyTo)).getValue();
  }

  /** {@code n} interactions on two partitions from offset {@code from}, the arm by id or by index in turn. */
  private static List<Interaction> interactions(int n, long from, long seed) {
    var world = new SplittableRandom(seed);
    var share = new ArrayList<Interaction>();
    for (var i = 0; i < n; i++) {
      var features = x(world.nextGaussian(), world.nextGaussian(), 1);
      var arm = world.nextInt(ARMS.size());
      var reward = world.nextDouble() < 0.3 ? 1 : 0;
      var partition = i % 2 == 0 ? P0 : P1;
      share.add(i % 3 == 0 ? new Interaction.Shown(partition, from + i, features, null, arm, reward)
          : new Interaction.Shown(partition, from + i, features, ARMS.get(arm), -1, reward));
    }
    return share;
  }

  private static long persisted(Model model, Class<?> type) {
    return model.journal().stream().filter(type::isInstance).count();
  }

  @Test
  void aShareIsLearnedInOneEventAsEachOfItsInteractionsAlone() {
    var model = model("");
    var alone = LinUcb.restore(model.export(), new SplittableRandom(1));
    var share = interactions(250, 0, 3);

    var taken = learn(model, share);

    assertThat(taken).isEqualTo(new Interaction.Taken(250, 0, 0, List.of()));
    for (var i : share) {
      var shown = (Interaction.Shown) i;
      alone.update(shown.arm() != null ? shown.arm() : ARMS.get(shown.armIndex()), shown.features(), shown.reward());
    }
    assertThat(model.export()).isEqualTo(alone.export());
    assertThat(persisted(model, BanditModel.InteractionsLearned.class)).isEqualTo(1);
    var stats = model.stats();
    assertThat(stats.totalUpdates()).isEqualTo(250);
    assertThat(stats.version()).isEqualTo(1 + 250);
    assertThat(stats.decisions()).isZero();
  }

  @Test
  void aRedeliveredRecordIsSkippedAlsoAfterARestartFromASnapshot() throws Exception {
    var model = model("");
    var share = interactions(300, 0, 5);
    learn(model, share);
    var exported = model.export();
    // snapshots are written after the event, not waited for
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> model.snapshots(db) > 0);
    model.restart();

    var again = learn(model, share);
    // a redelivery that reaches past what was taken: a batch cut elsewhere
    var overlapping = new ArrayList<>(share.subList(200, 300));
    overlapping.addAll(interactions(50, 300, 6));
    var partly = learn(model, overlapping);

    assertThat(again).isEqualTo(new Interaction.Taken(0, 0, 300, List.of()));
    assertThat(partly).isEqualTo(new Interaction.Taken(50, 0, 100, List.of()));
    assertThat(persisted(model, BanditModel.InteractionsLearned.class)).as("nothing persisted for the redelivery").isEqualTo(2);
    assertThat(model.stats().totalUpdates()).isEqualTo(350);
    var restored = LinUcb.restore(exported, new SplittableRandom(1));
    for (var i : interactions(50, 300, 6)) {
      var shown = (Interaction.Shown) i;
      restored.update(shown.arm() != null ? shown.arm() : ARMS.get(shown.armIndex()), shown.features(), shown.reward());
    }
    assertThat(model.export()).isEqualTo(restored.export());
  }

  @Test
  void aShareWithRecordsTheModelCannotTakeLearnsNothingAndNamesEachThenTheRestIsLearnedOnce() {
    var model = model("");
    var good = interactions(4, 0, 7);
    var share = new ArrayList<Interaction>(List.of(
        good.get(0),
        new Interaction.Shown(P1, 1, x(1, 2), "spring-sale", -1, 1),
        new Interaction.Shown(P0, 2, x(1, Double.NaN, 0), "spring-sale", -1, 1),
        new Interaction.Shown(P1, 3, x(1, 2, 3), "teleport", -1, 1),
        new Interaction.Shown(P0, 4, x(1, 2, 3), null, 3, 1),
        new Interaction.Shown(P1, 5, x(1, 2, 3), "newsletter", -1, 2e6),
        new Interaction.DecisionReward(P0, 6, "d-9", 1),
        new Interaction.Shown(P1, 7, x(1, 2, 3), "newsletter", -1, 0)));

    var refused = learn(model, share);

    assertThat(refused.refused()).containsExactly(
        new Interaction.Refusal(1, "features: the model's dimension is 3, got 2 values"),
        new Interaction.Refusal(2, "features[1]: must be a finite number, got NaN"),
        new Interaction.Refusal(3, "action: no arm 'teleport' in the model; its arms are " + ARMS),
        new Interaction.Refusal(4, "action: arm index 3 is beyond the model's 3 arms " + ARMS),
        new Interaction.Refusal(5, "reward: must be a finite number between -1000000 and 1000000, got 2000000.0"),
        new Interaction.Refusal(6, "decisionId: unknown decision 'd-9'"));
    assertThat(persisted(model, BanditModel.InteractionsLearned.class)).isZero();
    assertThat(model.stats().totalUpdates()).isZero();

    var offsets = Map.of(P0, 6L, P1, 7L);
    var rest = learn(model, List.of(share.get(0), share.get(7)), offsets);
    var redelivered = learn(model, share, offsets);

    assertThat(rest).isEqualTo(new Interaction.Taken(2, 0, 0, List.of()));
    assertThat(redelivered).as("the refused records are covered by the offsets taken").isEqualTo(new Interaction.Taken(0, 0, 8, List.of()));
    assertThat(model.stats().totalUpdates()).isEqualTo(2);
  }

  @Test
  void rewardsOfDecisionsAreJudgedAsOverHttpTheSharesRecordsBeforeCounted() {
    var model = model("");
    var late = model.decide(0, 0, 1).getValue();
    clock.advance(Duration.ofDays(6));
    var first = model.decide(1, 0, 0).getValue();
    var fresh = model.decide(1, 1, 1).getValue();
    clock.advance(Duration.ofDays(2));
    // the oldest decision's window has passed: it closes (learning reward 0)
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> model.stats().openDecisions() == 2);
    var share = List.<Interaction>of(
        new Interaction.DecisionReward(P0, 0, first.decisionId(), 1),
        new Interaction.DecisionReward(P0, 1, first.decisionId(), 1),
        new Interaction.DecisionReward(P0, 2, fresh.decisionId(), 0.5),
        new Interaction.DecisionReward(P0, 3, late.decisionId(), 1));

    var refused = learn(model, share);
    var taken = learn(model, List.of(share.get(0), share.get(2), share.get(3)), Map.of(P0, 3L));

    assertThat(refused.refused()).containsExactly(
        new Interaction.Refusal(1, "decisionId: decision already rewarded ('" + first.decisionId() + "'); a decision learns one reward"));
    assertThat(taken).isEqualTo(new Interaction.Taken(2, 1, 0, List.of()));
    assertThat(model.reward(first.decisionId(), 1).getError().getMessage()).isEqualTo(BanditModel.ALREADY_REWARDED);
    assertThat(model.reward(late.decisionId(), 1).getError().getMessage()).isEqualTo(BanditModel.ALREADY_REWARDED);
    var stats = model.stats();
    assertThat(stats.totalUpdates()).as("the closed window's 0 and the two rewards").isEqualTo(3);
    assertThat(stats.averageReward()).isEqualTo(0.5);
    assertThat(stats.rewardsNotLearned()).isEqualTo(1);
  }

  @Test
  void theCommandAndItsRepliesCrossNodes() {
    var probe = testKit.<org.apache.pekko.pattern.StatusReply<Interaction.Taken>>createTestProbe();
    var share = new ArrayList<>(interactions(3, 0, 10));
    share.add(new Interaction.DecisionReward(P1, 9, "d-3", 0.5));
    var serialization = testKit.serializationTestKit();

    serialization.verifySerialization(new BanditModel.LearnInteractions(share, Map.of(P0, 2L, P1, 9L), probe.ref()), true);
    serialization.verifySerialization(new Interaction.Taken(3, 1, 2, List.of()), true);
    serialization.verifySerialization(new Interaction.Taken(0, 0, 0, List.of(new Interaction.Refusal(1, "action: ✓"))), true);
  }

  @Test
  void aModelNeverConfiguredRefusesEveryRecordAndPersistsNothing() {
    var model = new Model(testKit, "never-" + models.incrementAndGet(), settings(""), clock);

    var taken = learn(model, interactions(3, 0, 9));

    var reason = "modelId: no model '" + model.id + "' (PUT /api/models/" + model.id + " creates it)";
    assertThat(taken.refused()).containsExactly(new Interaction.Refusal(0, reason), new Interaction.Refusal(1, reason),
        new Interaction.Refusal(2, reason));
    assertThat(model.journal()).isEmpty();
  }

  @Test
  void checkpointsCountEveryInteraction() throws Exception {
    var model = model("checkpoint-every = 1000");

    learn(model, interactions(2_500, 0, 11));
    learn(model, interactions(400, 2_500, 12));
    learn(model, interactions(200, 2_900, 13));

    assertThat(model.checkpoints()).extracting(BanditModel.CheckpointInfo::name).containsExactly("updates-2500", "updates-3100");
    assertThat(model.checkpoints().get(1).totalUpdates()).isEqualTo(3_100);
    assertThat(persisted(model, BanditModel.InteractionsLearned.class)).isEqualTo(3);
    assertThat(model.stats().totalUpdates()).isEqualTo(3_100);
  }

  @Test
  void sharesThatEachCrossAHundredUpdatesSnapshotAtMostOncePerHundredEvents() throws Exception {
    var model = model("checkpoint-every = 1000000");

    for (var i = 0; i < 250; i++) learn(model, interactions(100, 100L * i, i));

    // events 2 to 251 each cross a hundred: snapshots after events 2, 102 and 202
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> model.snapshots(db) == 3);
    assertThat(snapshotSequenceNumbers(model)).containsExactly(2L, 102L, 202L);
    assertThat(model.stats().totalUpdates()).isEqualTo(25_000);
  }

  private static List<Long> snapshotSequenceNumbers(Model model) throws Exception {
    try (var c = db.connect();
        var st = c.prepareStatement("SELECT \"sequence_number\" FROM \"snapshot\" WHERE \"persistence_id\" = ? ORDER BY 1")) {
      st.setString(1, model.persistenceId());
      var numbers = new ArrayList<Long>();
      try (var rows = st.executeQuery()) {
        while (rows.next()) numbers.add(rows.getLong(1));
      }
      return numbers;
    }
  }
}
