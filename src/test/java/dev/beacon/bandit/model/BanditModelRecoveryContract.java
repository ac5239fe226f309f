package dev.beacon.bandit.model;

import static dev.beacon.bandit.model.ModelFixtures.ARMS;
import static dev.beacon.bandit.model.ModelFixtures.DIMENSION;
import static dev.beacon.bandit.model.ModelFixtures.NOW;
import static dev.beacon.bandit.model.ModelFixtures.settings;
import static dev.beacon.bandit.model.ModelFixtures.x;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bandit.model.ModelFixtures.Model;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.ReseedableRandom;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestKits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A model stopped and started again recovers from its snapshots and journal to the model it was:
 * it decides, learns and counts as a twin that never stopped, a reward is never learned twice,
 * closed windows stay closed, and a replay draws no random number. Snapshots every 100 learned
 * updates and checkpoints every 1,000, as application.conf sets them. Subclasses choose the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BanditModelRecoveryContract {
  abstract TestDatabase database();

  private TestDatabase db;
  private ActorTestKit testKit;

  @BeforeAll
  void start() {
    db = database();
    testKit = TestKits.withJournal(getClass().getSimpleName(), db, "");
  }

  @AfterAll
  void stop() {
    if (testKit != null) testKit.shutdownTestKit();
    if (db != null) db.close();
  }

  private Model model(RandomGenerator random, MovableClock clock) {
    return new Model(testKit, "model-" + UUID.randomUUID(), settings(""), clock, random);
  }

  private Model model(RandomGenerator random) {
    return model(random, new MovableClock(NOW));
  }

  /** One round: a decision for a random context, rewarded unless it is one of the tenth left without. */
  private static List<Object> round(Model model, SplittableRandom world) {
    var features = x(world.nextGaussian(), world.nextGaussian(), 1);
    var decision = model.decide(features).getValue();
    if (world.nextInt(10) == 0) return List.of(decision);
    // the first arm pays when the first feature is positive, the others pay rarely
    var pays = decision.arm().equals(ARMS.get(0)) == features[0] > 0 ? world.nextDouble() < 0.8 : world.nextDouble() < 0.1;
    return List.of(decision, model.reward(decision.decisionId(), pays ? 1 : 0).getValue());
  }

  @Test
  void aModelRecoveredFromSnapshotsAndEventsDecidesAndCountsAsATwinThatNeverStopped() throws Exception {
    var restartedRandom = new ReseedableRandom(1);
    var twinRandom = new ReseedableRandom(1);
    var restarted = model(restartedRandom).configured();
    var twin = model(twinRandom).configured();
    var worlds = List.of(new SplittableRandom(5), new SplittableRandom(5));
    while (restarted.stats().totalUpdates() < 1_050) {
      assertThat(round(restarted, worlds.get(0))).isEqualTo(round(twin, worlds.get(1)));
    }
    assertThat(restarted.snapshots(db)).as("snapshots every 100 learned updates").isPositive();
    assertThat(restarted.checkpoints()).extracting(BanditModel.CheckpointInfo::name).containsExactly("updates-1000");

    restarted.restart();
    restartedRandom.reseed(9);
    twinRandom.reseed(9);

    var after = new ArrayList<Object>();
    var twinAfter = new ArrayList<Object>();
    for (var i = 0; i < 50; i++) {
      after.addAll(round(restarted, worlds.get(0)));
      twinAfter.addAll(round(twin, worlds.get(1)));
    }
    assertThat(after).isEqualTo(twinAfter);
    assertThat(restarted.stats()).usingRecursiveComparison().ignoringFields("modelId").isEqualTo(twin.stats());
    assertThat(restarted.export()).isEqualTo(twin.export());
    assertThat(restarted.checkpoints()).isEqualTo(twin.checkpoints());
  }

  @Test
  void aRewardLearnedBeforeARestartIsRefusedAfterItAndNothingIsLearnedTwice() {
    var model = model(new SplittableRandom(3)).configured();
    var decision = model.learn(x(1, 2, 3), 1);
    var stats = model.stats();
    var exported = model.export();

    model.restart();

    assertThat(model.reward(decision.decisionId(), 1).getError().getMessage()).isEqualTo(BanditModel.ALREADY_REWARDED);
    assertThat(model.stats()).isEqualTo(stats);
    assertThat(model.export()).isEqualTo(exported);
  }

  @Test
  void closedWindowsStayClosedAcrossARestart() {
    var clock = new MovableClock(NOW);
    var model = model(new SplittableRandom(3), clock).configured();
    var rewarded = model.learn(x(1, 0, 0), 1);
    var unrewarded = model.decide(0, 1, 0).getValue();
    clock.advance(Duration.ofDays(8));
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(model.stats().openDecisions()).isZero());
    var stats = model.stats();

    model.restart();

    assertThat(model.stats()).isEqualTo(stats);
    assertThat(stats.totalUpdates()).as("the reward, and the zero of the closed window").isEqualTo(2);
    assertThat(model.reward(rewarded.decisionId(), 1).getError().getMessage()).isEqualTo(BanditModel.ALREADY_REWARDED);
    assertThat(model.reward(unrewarded.decisionId(), 1).getValue().learned()).isFalse();
    assertThat(model.stats().totalUpdates()).isEqualTo(2);
  }

  @Test
  void eachDecisionsDrawIsJournaledAndARecoveryDrawsNothing() {
    var random = new CountingRandom(new SplittableRandom(21));
    var draws = new SplittableRandom(21);
    var model = model(random).configured();
    for (var i = 0; i < 5; i++) model.decide(i, 1, -i);

    model.restart();

    assertThat(random.draws).as("five decisions; the recovery drew nothing").isEqualTo(5);
    var journaled = model.journal().stream().filter(BanditModel.Decided.class::isInstance)
        .map(e -> ((BanditModel.Decided) e).draw()).toList();
    var expected = new ArrayList<Double>();
    for (var i = 0; i < 5; i++) expected.add(draws.nextDouble());
    assertThat(journaled).isEqualTo(expected);
    assertThat(model.stats().decisions()).isEqualTo(5);
    assertThat(model.decide(new double[DIMENSION]).getValue().decisionId()).isEqualTo("d-6");
  }

  /** A random source that counts the numbers drawn from it. */
  private static final class CountingRandom implements RandomGenerator {
    private final RandomGenerator random;
    private int draws;

    CountingRandom(RandomGenerator random) {
      this.random = random;
    }

    @Override
    public long nextLong() {
      draws++;
      return random.nextLong();
    }

    @Override
    public double nextDouble() {
      draws++;
      return random.nextDouble();
    }
  }
}
