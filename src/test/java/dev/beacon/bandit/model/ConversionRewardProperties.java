package dev.beacon.bandit.model;

import static dev.beacon.bandit.model.ModelFixtures.ARMS;
import static dev.beacon.bandit.model.ModelFixtures.NOW;
import static dev.beacon.bandit.model.ModelFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bandit.model.ModelFixtures.Model;
import dev.beacon.testing.MovableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Conversion rewards against an oracle, on the model entity and its journal: decisions for a few
 * users, their conversions (some before the decisions, some after the reward window), the same
 * conversion delivered again any number of times, restarts in between. Each conversion must reward
 * exactly the decision the rule names, and a conversion delivered again nothing.
 */
class ConversionRewardProperties {
  private static final ActorTestKit testKit = ModelFixtures.kitWithJournal("ConversionRewardProperties");
  private static final AtomicInteger models = new AtomicInteger();
  private static final Duration WINDOW = Duration.ofHours(1);

  @AfterContainer
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** One step: a decision, a conversion, a conversion delivered again, a restart, or time passing. */
  record Step(int kind, int user, int campaigns, int minutes) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    var step = Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 1),
        Arbitraries.integers().between(1, (1 << ARMS.size()) - 1), Arbitraries.integers().between(-10, 40)).as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(30);
  }

  /** A decision the oracle keeps: for whom, which arm, when, and which conversion rewarded it (null: none; "" a closed one). */
  private static final class Made {
    final long number;
    final String user;
    final String arm;
    final long at;
    String rewardedBy;

    Made(long number, String user, String arm, long at) {
      this.number = number;
      this.user = user;
      this.arm = arm;
      this.at = at;
    }
  }

  private record Sent(String user, String conversionId, Set<String> campaigns, long at) {}

  @Property(tries = 100)
  void eachConversionRewardsTheDecisionTheRuleNamesAndNothingWhenDeliveredAgain(@ForAll("steps") List<Step> steps) {
    var clock = new MovableClock(NOW);
    var model = new Model(testKit, "model-" + models.incrementAndGet(), settings("reward-window = 1h"), clock).configured();
    var made = new ArrayList<Made>();
    var sent = new ArrayList<Sent>();
    var byConversion = new HashMap<String, Made>();
    for (var step : steps) {
      var user = "u-" + step.user();
      switch (step.kind()) {
        case 0, 1, 2, 3 -> {
          var decision = model.decideFor(user, 1, step.minutes(), step.user());
          made.add(new Made(Long.parseLong(decision.decisionId().substring(2)), user, decision.arm(), clock.millis()));
        }
        case 4, 5 -> {
          var campaigns = new HashSet<String>();
          for (var i = 0; i < ARMS.size(); i++) if ((step.campaigns() & (1 << i)) != 0) campaigns.add(ARMS.get(i));
          var at = clock.millis() + Duration.ofMinutes(step.minutes()).toMillis();
          var conversion = new Sent(user, "purchase@" + at + "#" + sent.size(), campaigns, at);
          sent.add(conversion);
          check(model, clock, conversion, made, byConversion);
        }
        case 6, 7 -> {
          if (!sent.isEmpty()) check(model, clock, sent.get(Math.floorMod(step.minutes(), sent.size())), made, byConversion);
        }
        case 8 -> model.restart();
        default -> clock.advance(Duration.ofMinutes(Math.abs(step.minutes()) * 3L));
      }
    }
  }

  private static void check(Model model, MovableClock clock, Sent conversion, List<Made> made, Map<String, Made> byConversion) {
    var expected = expected(clock.millis(), conversion, made, byConversion);
    var rewarded = model.rewardConversions(new BanditModel.ConversionSeen(conversion.user(), conversion.conversionId(),
        List.copyOf(conversion.campaigns()), conversion.at(), 1.0));
    assertThat(rewarded).isEqualTo(expected == null ? List.of() : List.of("d-" + expected.number));
    if (expected != null) {
      expected.rewardedBy = conversion.conversionId();
      byConversion.put(conversion.user() + "|" + conversion.conversionId(), expected);
    }
  }

  /**
   * The rule, plainly: nothing if this conversion rewarded a decision still within its window;
   * else the newest decision for the user, made at or before the conversion, that showed one of
   * its campaigns, has no reward yet and is still within its window.
   */
  private static Made expected(long now, Sent conversion, List<Made> made, Map<String, Made> byConversion) {
    var earlier = byConversion.get(conversion.user() + "|" + conversion.conversionId());
    if (earlier != null && now - earlier.at < WINDOW.toMillis()) return null;
    for (var i = made.size() - 1; i >= 0; i--) {
      var d = made.get(i);
      if (d.user.equals(conversion.user()) && d.at <= conversion.at() && conversion.campaigns().contains(d.arm)
          && d.rewardedBy == null && now - d.at < WINDOW.toMillis()) {
        return d;
      }
    }
    return null;
  }
}
