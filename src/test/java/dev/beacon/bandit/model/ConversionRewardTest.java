package dev.beacon.bandit.model;

import static dev.beacon.bandit.model.ModelFixtures.NOW;
import static dev.beacon.bandit.model.ModelFixtures.ORG;
import static dev.beacon.bandit.model.ModelFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bandit.context.ContextFeatures;
import dev.beacon.bandit.context.CustomerProfile;
import dev.beacon.bandit.context.RunningStandardizer;
import dev.beacon.bandit.model.ModelFixtures.Model;
import dev.beacon.testing.MovableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What a model does with its users' conversions (on the JDBC journal, H2): a conversion rewards
 * the newest open decision made for that user, before it, that showed a campaign it credits, and
 * only once, also when delivered again and after a restart; and what deciding for a user from the
 * context of their journey does, and a segment model that exists from the start.
 */
class ConversionRewardTest {
  private static final ActorTestKit testKit = ModelFixtures.kitWithJournal("ConversionRewardTest");
  private static final AtomicInteger models = new AtomicInteger();

  private final MovableClock clock = new MovableClock(NOW);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private Model model(String overrides) {
    return new Model(testKit, "model-" + models.incrementAndGet(), settings(overrides), clock).configured();
  }

  private long later(Duration by) {
    return clock.millis() + by.toMillis();
  }

  private static BanditModel.ConversionSeen conversion(String userId, long atMillis, double value, String... campaigns) {
    return new BanditModel.ConversionSeen(userId, "purchase@" + atMillis, List.of(campaigns), atMillis, value);
  }

  /** Decisions for {@code userId} until two arms have been shown; every decision made, oldest first. */
  private List<BanditModel.DecisionMade> decisionsShowingTwoArms(Model model, String userId) {
    var made = new ArrayList<BanditModel.DecisionMade>();
    while (made.stream().map(BanditModel.DecisionMade::arm).distinct().count() < 2) {
      made.add(model.decideFor(userId, 1, 0.5, -1));
      clock.advance(Duration.ofSeconds(1));
    }
    return made;
  }

  private static String newestWithArm(List<BanditModel.DecisionMade> made, String arm) {
    for (var i = made.size() - 1; i >= 0; i--) {
      if (made.get(i).arm().equals(arm)) return made.get(i).decisionId();
    }
    throw new AssertionError("no decision showed " + arm);
  }

  @Test
  void aConversionRewardsTheNewestDecisionForThatUserThatShowedACampaignItCredits() {
    var model = model("");
    var made = decisionsShowingTwoArms(model, "u-1");
    var other = model.decideFor("u-2", 1, 0.5, -1);
    var arm = made.get(0).arm();

    var rewarded = model.rewardConversions(conversion("u-1", later(Duration.ofMinutes(1)), 25.0, arm, "not-an-arm"));

    assertThat(rewarded).containsExactly(newestWithArm(made, arm));
    assertThat(rewarded).doesNotContain(other.decisionId());
    var stats = model.stats();
    assertThat(stats.totalUpdates()).isEqualTo(1);
    assertThat(stats.averageReward()).isEqualTo(1.0);
    // the decision had its reward: one sent by hand now is a conflict
    assertThat(model.reward(rewarded.get(0), 1.0).getError().getMessage()).isEqualTo(BanditModel.ALREADY_REWARDED);
  }

  @Test
  void aConversionDeliveredAgainLearnsNothingMoreNotEvenForAnOlderDecisionAlsoAfterARestart() {
    var model = model("");
    // two decisions for the user that showed the same campaign: the conversion rewards the newer
    var made = new ArrayList<BanditModel.DecisionMade>();
    String arm = null;
    while (arm == null) {
      var decision = model.decideFor("u-1", 1, 0.5, -1);
      clock.advance(Duration.ofSeconds(1));
      if (made.stream().anyMatch(d -> d.arm().equals(decision.arm()))) arm = decision.arm();
      made.add(decision);
    }
    var converted = conversion("u-1", later(Duration.ofMinutes(1)), 10.0, arm);

    assertThat(model.rewardConversions(converted)).containsExactly(made.get(made.size() - 1).decisionId());
    assertThat(model.rewardConversions(converted)).isEmpty();
    model.restart();
    assertThat(model.rewardConversions(converted, converted)).isEmpty();
    assertThat(model.stats().totalUpdates()).isEqualTo(1);
    // the older decision is still open for a reward of its own
    var older = made.stream().filter(d -> d.arm().equals(made.get(made.size() - 1).arm())).findFirst().orElseThrow();
    assertThat(model.reward(older.decisionId(), 1.0).getValue().learned()).isTrue();
  }

  @Test
  void anOpenDecisionForTheUserStillTakesTheNextConversionAfterARestart() {
    var model = model("");
    var first = model.decideFor("u-1", 1, 0, 0);
    clock.advance(Duration.ofSeconds(1));
    var second = model.decideFor("u-1", 1, 0, 0);
    model.restart();

    var at = later(Duration.ofMinutes(1));
    var rewarded = model.rewardConversions(conversion("u-1", at, 1, first.arm(), second.arm()),
        conversion("u-1", at + 1, 1, first.arm(), second.arm()));

    // two conversions in one batch reward two decisions, the newest first
    assertThat(rewarded).containsExactly(second.decisionId(), first.decisionId());
    assertThat(model.stats().totalUpdates()).isEqualTo(2);
  }

  @Test
  void aDecisionMadeAfterTheConversionOrForAnotherUserOrWithoutOneIsNotRewarded() {
    var model = model("");
    var convertedAt = clock.millis();
    clock.advance(Duration.ofSeconds(5));
    var after = model.decideFor("u-1", 1, 0, 0);
    var anonymous = model.decideFor(null, 1, 0, 0);

    assertThat(model.rewardConversions(conversion("u-1", convertedAt, 1, after.arm()),
        conversion("u-9", later(Duration.ofMinutes(1)), 1, after.arm(), anonymous.arm()))).isEmpty();
    assertThat(model.stats().totalUpdates()).isZero();
  }

  @Test
  void aConversionAfterTheRewardWindowRewardsNothingAndTheClosedDecisionLearnsZero() {
    var model = model("reward-window = 1h");
    var decision = model.decideFor("u-1", 1, 0, 0);
    clock.advance(Duration.ofHours(2));

    assertThat(model.rewardConversions(conversion("u-1", clock.millis(), 1, decision.arm()))).isEmpty();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(model.stats().totalUpdates()).isEqualTo(1));
    assertThat(model.stats().averageReward()).isZero();
  }

  @Test
  void withConversionRewardValueTheDecisionLearnsTheConversionsValue() {
    var model = model("conversion-reward = value");
    var decision = model.decideFor("u-1", 1, 0, 0);

    assertThat(model.rewardConversions(conversion("u-1", later(Duration.ofSeconds(30)), 42.5, decision.arm())))
        .containsExactly(decision.decisionId());
    assertThat(model.stats().averageReward()).isEqualTo(42.5);
  }

  @Test
  void aDecisionForAUserStandardisesTheJourneysContextWithTheRunningStatisticsKeptAcrossARestart() {
    var model = new Model(testKit, "model-" + models.incrementAndGet(), settings("dimension = 21"), clock).configured();
    var contexts = List.of(
        ContextFeatures.of(new CustomerProfile(3, 120.0, NOW.toEpochMilli() - 86_400_000L * 40, NOW.toEpochMilli() - 86_400_000L * 2,
            7, 5, 30, "mobile", "Email"), NOW.toEpochMilli()),
        ContextFeatures.of(CustomerProfile.unknown("desktop", "Direct"), NOW.toEpochMilli()),
        ContextFeatures.of(new CustomerProfile(1, 15.0, NOW.toEpochMilli() - 86_400_000L, NOW.toEpochMilli() - 86_400_000L,
            2, 1, 4, "tablet", "Paid Search"), NOW.toEpochMilli()));
    var oracle = RunningStandardizer.forContextFeatures();
    for (var i = 0; i < contexts.size(); i++) {
      if (i == 2) model.restart();
      assertThat(model.decideForUser("u-" + i, contexts.get(i)).isSuccess()).isTrue();
      var decided = (BanditModel.Decided) model.journal().get(model.journal().size() - 1);
      assertThat(decided.features()).containsExactly(oracle.standardize(contexts.get(i)));
      assertThat(decided.context()).containsExactly(contexts.get(i));
      assertThat(decided.userId()).isEqualTo("u-" + i);
      oracle.observe(contexts.get(i));
    }
  }

  @Test
  void aDecisionForAUserWithoutAdPersonalisationUsesNoneOfTheirFeaturesAndItsRewardDoesNotTrain() {
    var model = new Model(testKit, "model-" + models.incrementAndGet(), settings("dimension = 21"), clock).configured();
    var buyer = ContextFeatures.of(new CustomerProfile(3, 120.0, NOW.toEpochMilli() - 86_400_000L * 40,
        NOW.toEpochMilli() - 86_400_000L * 2, 7, 5, 30, "mobile", "Email"), NOW.toEpochMilli());
    var before = model.export();

    var made = model.decideForUser("u-private", buyer, false).getValue();
    var decided = (BanditModel.Decided) model.journal().get(model.journal().size() - 1);
    var taken = model.reward(made.decisionId(), 1).getValue();
    var conversions = model.rewardConversions(new BanditModel.ConversionSeen("u-private", "c-1", List.of(made.arm()),
        NOW.toEpochMilli(), 10));

    assertThat(decided.features()).as("bias and hour of day only").containsExactly(ContextFeatures.withoutUser(buyer));
    assertThat(decided.features()[1]).isZero();
    assertThat(decided.userId()).isNull();
    assertThat(decided.context()).isNull();
    assertThat(decided.withoutConsent()).isTrue();
    assertThat(taken.learned()).isFalse();
    assertThat(taken.reason()).contains("ad personalisation");
    assertThat(conversions).isEmpty();
    assertThat(model.export()).as("A and b as they were").isEqualTo(before);
    // the window closes: a decision without consent learns no reward 0 either
    clock.advance(model.settings.rewardWindow().plusMinutes(1));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> model.stats().openDecisions() == 0);
    assertThat(model.export()).isEqualTo(before);
    assertThat(model.stats().totalUpdates()).isZero();
  }

  @Test
  void aModelOfAnotherDimensionRefusesToDecideFromAJourney() {
    var model = model("");
    var refused = model.decideForUser("u-1", ContextFeatures.of(CustomerProfile.unknown(null, null), NOW.toEpochMilli()));

    assertThat(refused.getError().getMessage()).startsWith("userId: model " + model.id + " has dimension 3;");
    assertThat(model.stats().decisions()).isZero();
  }

  @Test
  void aSegmentModelExistsFromTheStartWithTheSegmentArmsAndStaysInItsOrganization() {
    var settings = settings("segment-arms = [a, b, c, d]");
    var organizationId = ORG + models.incrementAndGet();
    var model = new Model(testKit, "high_value@" + organizationId, settings, clock);

    var organization = model.<BanditModel.Organization>ask(BanditModel.GetOrganization::new).getValue();
    assertThat(organization.organizationId()).isEqualTo(organizationId);
    assertThat(model.journal()).isEmpty();

    var decision = model.decideFor("u-1", 1, 0, 0);
    assertThat(List.of("a", "b", "c", "d")).contains(decision.arm());
    assertThat(model.stats().arms()).containsExactly("a", "b", "c", "d");
    assertThat(model.configure("globex", List.of("x"), null, null, null).getError().getMessage())
        .isEqualTo(BanditModel.OTHER_ORGANIZATION);
    assertThat(model.configure(organizationId, List.of("spring", "summer"), null, null, null).isSuccess()).isTrue();
    assertThat(model.stats().arms()).containsExactly("spring", "summer");
  }
}
