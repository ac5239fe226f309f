package dev.beacon.bandit.model;

import static dev.beacon.bandit.model.ModelFixtures.ARMS;
import static dev.beacon.bandit.model.ModelFixtures.NOW;
import static dev.beacon.bandit.model.ModelFixtures.ORG;
import static dev.beacon.bandit.model.ModelFixtures.settings;
import static dev.beacon.bandit.model.ModelFixtures.x;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bandit.LinUcb;
import dev.beacon.bandit.LinUcbParameters;
import dev.beacon.bandit.LinUcbSettings;
import dev.beacon.bandit.model.ModelFixtures.Model;
import dev.beacon.common.Json;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestKits;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The model entity on the JDBC journal (H2): decisions and rewards, 404 and 409 as rejections, the
 * reward window (reward 0 learned when it closes, a late reward logged and not learned), the bound
 * on open decisions, reconfiguration, checkpoints, rollback, export and import, and every refused
 * input leaving the model as it was.
 */
class BanditModelTest {
  private static final TestDatabase db = ModelFixtures.h2();
  private static final ActorTestKit testKit = TestKits.withJournal("BanditModelTest", db, "");
  private static final AtomicInteger models = new AtomicInteger();

  private final MovableClock clock = new MovableClock(NOW);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private Model model(BanditSettings settings) {
    return new Model(testKit, "model-" + models.incrementAndGet(), settings, clock);
  }

  private Model model() {
    return model(settings(""));
  }

  @Test
  void aDecisionAnswersItsArmPropensityScoresAndVersionAndIsJournaledWithFeaturesAndDraw() {
    var random = new SplittableRandom(11);
    var expectedDraw = new SplittableRandom(11).nextDouble();
    var model = new Model(testKit, "model-" + models.incrementAndGet(), settings(""), clock, random).configured();

    var decision = model.decide(1, 0.5, -2).getValue();

    assertThat(decision.decisionId()).isEqualTo("d-1");
    assertThat(ARMS).contains(decision.arm());
    assertThat(decision.scores()).containsOnlyKeys(ARMS);
    // a fresh model scores every arm alike: the best is shared, each arm has 1/3
    assertThat(decision.propensity()).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(decision.modelVersion()).isEqualTo(1);
    var decided = model.journal().stream().filter(BanditModel.Decided.class::isInstance).map(BanditModel.Decided.class::cast)
        .toList();
    assertThat(decided).containsExactly(new BanditModel.Decided(1, x(1, 0.5, -2), decision.arm(), decision.propensity(),
        expectedDraw, 1, NOW.toEpochMilli(), null));
    var stats = model.stats();
    assertThat(stats.decisions()).isEqualTo(1);
    assertThat(stats.openDecisions()).isEqualTo(1);
    assertThat(stats.actionCounts()).containsEntry(decision.arm(), 1L);
    assertThat(stats.totalUpdates()).isZero();
    assertThat(stats.averageReward()).isNull();
  }

  @Test
  void aRewardWithinTheWindowIsLearnedOnceAndASecondIsAlreadyRewarded() {
    var model = model().configured();
    var decision = model.decide(1, 0, 0).getValue();
    clock.advance(Duration.ofDays(6));

    var taken = model.reward(decision.decisionId(), 2.5).getValue();

    assertThat(taken.learned()).isTrue();
    assertThat(taken.modelVersion()).isEqualTo(2);
    var stats = model.stats();
    assertThat(stats.totalUpdates()).isEqualTo(1);
    assertThat(stats.averageReward()).isEqualTo(2.5);
    assertThat(model.export().arms()).filteredOn(a -> a.id().equals(decision.arm())).singleElement()
        .satisfies(arm -> assertThat(arm.b()).containsExactly(2.5, 0, 0));
    var exported = model.export();

    var again = model.reward(decision.decisionId(), 1);

    assertThat(again.isError()).isTrue();
    assertThat(again.getError().getMessage()).isEqualTo(BanditModel.ALREADY_REWARDED);
    assertThat(model.stats()).isEqualTo(stats);
    assertThat(model.export()).isEqualTo(exported);
  }

  @Test
  void aRewardForADecisionNeverMadeIsAnUnknownDecision() {
    var model = model().configured();
    model.decide(1, 0, 0);
    var stats = model.stats();

    for (var id : List.of("d-2", "d-0", "d--1", "1", "d-x", "")) {
      var reply = model.reward(id, 1);
      assertThat(reply.isError()).as(id).isTrue();
      assertThat(reply.getError().getMessage()).as(id).isEqualTo(BanditModel.UNKNOWN_DECISION);
    }
    assertThat(model.stats()).isEqualTo(stats);
  }

  @Test
  void aModelNeverConfiguredIsUnknownToEveryCommand() {
    var model = model();

    List<StatusReply<?>> replies = List.of(model.decide(1, 2, 3), model.reward("d-1", 1), model.statsReply(),
        model.ask(BanditModel.GetOrganization::new), model.ask(BanditModel.ListCheckpoints::new), model.ask(BanditModel.Export::new),
        model.rollback("updates-1000"), model.importParameters(LinUcb.withArms(LinUcbSettings.of(3), ARMS, new SplittableRandom(1)).export()));

    assertThat(replies).allSatisfy(reply -> assertThat(reply.getError().getMessage()).isEqualTo(BanditModel.UNKNOWN_MODEL));
    assertThat(model.journal()).isEmpty();
  }

  @Test
  void whenTheWindowClosesWithoutARewardTheModelLearnsZero() {
    var model = model().configured();
    var decision = model.decide(0, 1, 0).getValue();
    clock.advance(Duration.ofDays(7));

    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(model.stats().openDecisions()).isZero());

    var stats = model.stats();
    assertThat(stats.totalUpdates()).isEqualTo(1);
    assertThat(stats.averageReward()).isEqualTo(0.0);
    var arm = model.export().arms().stream().filter(a -> a.id().equals(decision.arm())).findFirst().orElseThrow();
    assertThat(arm.updates()).isEqualTo(1);
    assertThat(arm.a()[1][1]).isEqualTo(2.0); // λ = 1 plus x₁² = 1: the zero was learned from the decision's features
    assertThat(model.journal()).hasAtLeastOneElementOfType(BanditModel.DecisionsClosed.class);
  }

  @Test
  void aModelStartingAgainClosesTheWindowsThatPassedWhileItWasStopped() {
    var model = model(settings("close-check-interval = 1h")).configured();
    model.decide(0, 1, 0);
    clock.advance(Duration.ofDays(7));

    model.restart();

    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(model.stats().openDecisions()).isZero());
    assertThat(model.stats().totalUpdates()).isEqualTo(1);
  }

  @Test
  void aLateRewardIsLoggedNotLearnedAndASecondLateRewardIsAlreadyRewarded() {
    var model = model().configured();
    var decision = model.decide(1, 1, 1).getValue();
    clock.advance(Duration.ofDays(7).plusSeconds(1));

    var late = model.reward(decision.decisionId(), 5).getValue();

    assertThat(late.learned()).isFalse();
    assertThat(late.reason()).isEqualTo("after the decision's reward window of 7d");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(model.stats().openDecisions()).isZero());
    var stats = model.stats();
    assertThat(stats.totalUpdates()).as("the zero of the closed window, not the late reward").isEqualTo(1);
    assertThat(stats.averageReward()).isEqualTo(0.0);
    assertThat(stats.rewardsNotLearned()).isEqualTo(1);
    assertThat(model.reward(decision.decisionId(), 5).getError().getMessage()).isEqualTo(BanditModel.ALREADY_REWARDED);
    assertThat(model.stats()).isEqualTo(stats);
  }

  @Test
  void aRewardedDecisionLearnsNothingMoreWhenItsWindowClosesAndStaysRewarded() {
    var model = model().configured();
    var decision = model.learn(x(1, 0, 1), 1);
    model.decide(0, 0, 1);
    clock.advance(Duration.ofDays(8));

    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(model.stats().openDecisions()).isZero());

    var stats = model.stats();
    assertThat(stats.totalUpdates()).as("the reward, and the zero of the unrewarded decision").isEqualTo(2);
    assertThat(stats.averageReward()).isEqualTo(0.5);
    assertThat(model.reward(decision.decisionId(), 1).getError().getMessage()).isEqualTo(BanditModel.ALREADY_REWARDED);
    var closed = model.reward("d-2", 1).getValue();
    assertThat(closed.learned()).isFalse();
    assertThat(closed.reason()).startsWith("the decision is closed");
    assertThat(model.stats().totalUpdates()).isEqualTo(2);
  }

  @Test
  void pastMaxOpenDecisionsTheOldestClosesEarlyWithRewardZero() {
    var model = model(settings("max-open-decisions = 2")).configured();

    model.decide(1, 0, 0);
    model.decide(0, 1, 0);
    model.decide(0, 0, 1);

    var stats = model.stats();
    assertThat(stats.decisions()).isEqualTo(3);
    assertThat(stats.openDecisions()).isEqualTo(2);
    assertThat(stats.totalUpdates()).isEqualTo(1);
    var first = model.reward("d-1", 1).getValue();
    assertThat(first.learned()).isFalse();
    assertThat(model.reward("d-2", 1).getValue().learned()).isTrue();
  }

  @Test
  void reconfiguringAddsAndRemovesArmsChangesAlphaAndKeepsWhatTheOtherArmsLearned() {
    var model = model().configured();
    for (var i = 0; i < 5; i++) model.learn(x(1, i, 0), 1);
    var before = model.export();

    var changed = model.configure(ORG, List.of("newsletter", "spring-sale", "loyalty"), null, 0.25, null).getValue();

    assertThat(changed.created()).isFalse();
    assertThat(changed.changed()).isTrue();
    assertThat(changed.stats().arms()).containsExactly("spring-sale", "newsletter", "loyalty");
    assertThat(changed.stats().alpha()).isEqualTo(0.25);
    var after = model.export();
    for (var arm : List.of("spring-sale", "newsletter")) {
      assertThat(after.arms()).filteredOn(a -> a.id().equals(arm)).containsExactlyElementsOf(
          before.arms().stream().filter(a -> a.id().equals(arm)).toList());
    }
    assertThat(after.arms()).filteredOn(a -> a.id().equals("loyalty")).singleElement()
        .satisfies(a -> assertThat(a.updates()).isZero());
    var journaled = model.journal().size();
    var again = model.configure(ORG, List.of("loyalty", "spring-sale", "newsletter"), null, 0.25, null).getValue();
    assertThat(again.changed()).isFalse();
    assertThat(model.journal()).hasSize(journaled);
  }

  @Test
  void aRewardForAnArmRemovedSinceIsLoggedNotLearned() {
    var model = model().configured();
    String removed = null;
    String decisionId = null;
    while (removed == null || removed.equals("spring-sale")) {
      var decision = model.decide(1, 0, 0).getValue();
      removed = decision.arm();
      decisionId = decision.decisionId();
    }
    model.configure(ORG, List.of("spring-sale"), null, null, null);

    var taken = model.reward(decisionId, 1).getValue();

    assertThat(taken.learned()).isFalse();
    assertThat(taken.reason()).isEqualTo("arm '" + removed + "' is no longer in the model");
    assertThat(model.stats().totalUpdates()).isZero();
  }

  @Test
  void checkpointsAreTakenEveryNUpdatesNamedAndTheNewestKept() {
    var model = model(settings("checkpoint-every = 3\ncheckpoints-kept = 2")).configured();
    for (var i = 0; i < 7; i++) model.learn(x(1, i, 1), i % 2);

    assertThat(model.checkpoints()).extracting(BanditModel.CheckpointInfo::name).containsExactly("updates-3", "updates-6");
    assertThat(model.checkpoints().get(0).totalUpdates()).isEqualTo(3);
    assertThat(model.checkpoints().get(0).version()).isEqualTo(4); // configured, then three updates
    assertThat(model.checkpoints().get(0).takenAt()).isEqualTo(NOW);

    for (var i = 0; i < 2; i++) model.learn(x(0, 1, i), 1);

    assertThat(model.checkpoints()).extracting(BanditModel.CheckpointInfo::name).containsExactly("updates-6", "updates-9");
    assertThat(model.stats().checkpoints()).isEqualTo(2);
  }

  @Test
  void rollbackRestoresACheckpointsParametersAsANewVersionAndSurvivesARestart() {
    var model = model(settings("checkpoint-every = 3")).configured();
    for (var i = 0; i < 3; i++) model.learn(x(1, i, 1), 1);
    var atCheckpoint = model.export();
    for (var i = 0; i < 2; i++) model.learn(x(0, 1, i), 0);
    var versionBefore = model.stats().version();
    assertThat(model.export()).isNotEqualTo(atCheckpoint);

    var rolledBack = model.rollback("updates-3").getValue();

    assertThat(model.export()).isEqualTo(atCheckpoint);
    assertThat(rolledBack.version()).isEqualTo(versionBefore + 1);
    assertThat(rolledBack.totalUpdates()).as("updates ever learned").isEqualTo(5);
    assertThat(model.journal()).last().isEqualTo(new BanditModel.RolledBack("updates-3", NOW.toEpochMilli()));
    model.restart();
    assertThat(model.export()).isEqualTo(atCheckpoint);
    assertThat(model.stats()).isEqualTo(rolledBack);
  }

  @Test
  void anExportImportedIntoAnotherModelScoresAndExportsTheSame() throws Exception {
    var source = model().configured();
    for (var i = 0; i < 20; i++) source.learn(x(1, i % 3, -i % 2), i % 4 == 0 ? 1 : 0);
    var json = Json.MAPPER.writeValueAsString(source.export());
    var target = model();
    target.configure(ORG, List.of("other"), null, null, null);

    var imported = target.importParameters(Json.MAPPER.readValue(json, LinUcbParameters.class)).getValue();

    assertThat(imported.arms()).containsExactlyElementsOf(ARMS);
    assertThat(target.export()).isEqualTo(source.export());
    for (var features : List.of(x(1, 0, 0), x(0.3, -2, 5), x(0, 0, 0))) {
      assertThat(target.decide(features).getValue().scores()).isEqualTo(source.decide(features).getValue().scores());
    }
    target.restart();
    assertThat(target.export()).isEqualTo(source.export());
  }

  @Test
  void everyRefusedInputLeavesTheModelAsItWas() {
    var model = model(settings("checkpoint-every = 2")).configured();
    var decision = model.learn(x(1, 2, 3), 1);
    model.learn(x(3, 2, 1), 0);
    var open = model.decide(0, 1, 0).getValue();
    var stats = model.stats();
    var exported = model.export();
    var checkpoints = model.checkpoints();
    var journaled = model.journal();
    var otherDimension = LinUcb.withArms(LinUcbSettings.of(4), ARMS, new SplittableRandom(1)).export();
    var noArms = new LinUcbParameters(LinUcbSettings.of(3), List.of());

    record Refusal(String what, Function<Model, StatusReply<?>> call, String reason) {}
    var refusals = List.of(
        new Refusal("too few features", m -> m.decide(1, 2), "features: the model's dimension is 3, got 2 values"),
        new Refusal("NaN", m -> m.decide(1, Double.NaN, 0), "features[1]: must be a finite number, got NaN"),
        new Refusal("infinite", m -> m.decide(Double.NEGATIVE_INFINITY, 0, 0), "features[0]: must be a finite number, got -Infinity"),
        new Refusal("too large", m -> m.decide(0, 0, 2e6), "features[2]: must be between -1000000 and 1000000, got 2000000.0"),
        new Refusal("reward NaN", m -> m.reward(open.decisionId(), Double.NaN),
            "reward: must be a finite number between -1000000 and 1000000, got NaN"),
        new Refusal("reward infinite", m -> m.reward(open.decisionId(), Double.POSITIVE_INFINITY),
            "reward: must be a finite number between -1000000 and 1000000, got Infinity"),
        new Refusal("unknown decision", m -> m.reward("d-99", 1), BanditModel.UNKNOWN_DECISION),
        new Refusal("second reward", m -> m.reward(decision.decisionId(), 1), BanditModel.ALREADY_REWARDED),
        new Refusal("no arms", m -> m.configure(ORG, List.of(), null, null, null), "arms: at least one arm"),
        new Refusal("an arm twice", m -> m.configure(ORG, List.of("a", "b", "a"), null, null, null), "arms[2]: 'a' is there twice"),
        new Refusal("blank arm", m -> m.configure(ORG, List.of("a", " "), null, null, null), "arms[1]: must not be blank"),
        new Refusal("another organisation", m -> m.configure("globex", ARMS, null, null, null), BanditModel.OTHER_ORGANIZATION),
        new Refusal("no organisation", m -> m.configure(null, ARMS, null, null, null), "organizationId: required"),
        new Refusal("another dimension", m -> m.configure(ORG, ARMS, 4, null, null),
            "dimension: the model's dimension is 3 and cannot change"),
        new Refusal("another lambda", m -> m.configure(ORG, ARMS, null, null, 2.0),
            "lambda: the model's lambda is 1.0 and cannot change"),
        new Refusal("negative alpha", m -> m.configure(ORG, ARMS, null, -1.0, null),
            "alpha: must be a finite number from 0 to 1000000, got -1.0"),
        new Refusal("unknown checkpoint", m -> m.rollback("updates-4"), "checkpoint: no checkpoint 'updates-4'; the model has updates-2"),
        new Refusal("import of another dimension", m -> m.importParameters(otherDimension),
            "settings.dimension: the model's dimension is 3 and cannot change, got 4"),
        new Refusal("import without arms", m -> m.importParameters(noArms), "arms: at least one arm"));

    for (var refusal : refusals) {
      var reply = refusal.call().apply(model);
      assertThat(reply.isError()).as(refusal.what()).isTrue();
      assertThat(reply.getError().getMessage()).as(refusal.what()).isEqualTo(refusal.reason());
    }

    assertThat(model.stats()).isEqualTo(stats);
    assertThat(model.export()).isEqualTo(exported);
    assertThat(model.checkpoints()).isEqualTo(checkpoints);
    assertThat(model.journal()).isEqualTo(journaled);
  }

  @Test
  void aNewModelTakesTheDefaultsWhereItsConfigurationSaysNothing() {
    var model = model();

    var created = model.configure(ORG, ARMS, 5, null, 2.0).getValue();

    assertThat(created.created()).isTrue();
    assertThat(created.stats().dimension()).isEqualTo(5);
    assertThat(created.stats().lambda()).isEqualTo(2.0);
    assertThat(created.stats().alpha()).isEqualTo(1.0);
    assertThat(created.stats().epsilon()).isEqualTo(0.05);
    assertThat(created.stats().organizationId()).isEqualTo(ORG);
    assertThat(model.configure(ORG, ARMS, 0, null, null).getError().getMessage())
        .isEqualTo("dimension: must be between 1 and 256, got 0");
  }
}
