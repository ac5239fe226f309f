package dev.beacon.bandit.offline;

import static dev.beacon.testing.TestData.BANDIT_TINY_LOG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.beacon.common.Json;
import dev.beacon.testing.CommandRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate} on the command line: its figures as text and JSON, and one clear line for each thing that is wrong. */
class EvaluateCommandTest {
  private static final String TINY = BANDIT_TINY_LOG.toString();
  private static final String USAGE = "Usage: java -jar beacon.jar evaluate --log FILE --policy uniform|linucb|logged [options]";

  private static CommandRun run(String... args) {
    return CommandRun.of(EvaluateCommand::run, args);
  }

  @Test
  void printsTheEstimatesWithTwelveSignificantDigits() {
    var result = run("--log", TINY, "--policy", "uniform");
    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    // the figures of OfflineEvaluationTest.uniformOnTheTinyLogGivesTheHandComputedFigures
    assertThat(result.out()).startsWith("Policy uniform, seed 42 over " + TINY + "\n")
        .contains("5 rounds, 3 items (from " + BANDIT_TINY_LOG.resolveSibling("tiny_item_context.csv") + "), context dimension 10")
        .contains("mean logged reward  0.600000000000")
        .containsPattern("\nIPS +0\\.550000000000 +0\\.306865877325 +4\\.11952662722\n")
        .containsPattern("\nSNIPS +0\\.559322033898 +0\\.243463123450 +4\\.11952662722\n")
        .containsPattern("\nreplay +\\S+ +\\S+ +\\S+ \\(rounds where the policy drew the logged item; biased: the log is not "
            + "uniformly random\\)\n");
  }

  @Test
  void writesTheSameFiguresAsJson(@TempDir Path dir) throws IOException {
    var file = dir.resolve("uniform.json");
    var result = run("--log", TINY, "--policy", "UNIFORM", "--json", file.toString());
    assertThat(result.status()).as(result.err()).isZero();
    var json = Json.MAPPER.readTree(file.toFile());
    assertThat(json.get("policy").asText()).isEqualTo("uniform");
    assertThat(json.get("rounds").asInt()).isEqualTo(5);
    assertThat(json.get("items").asInt()).isEqualTo(3);
    // every digit of the doubles, as the evaluation computed them
    var expected = OfflineEvaluation.run(BanditLogTest.read(BANDIT_TINY_LOG), EvaluationOptions.of(EvaluationPolicy.UNIFORM)).estimates();
    var estimates = json.get("estimates");
    assertThat(estimates.get("ips").get("value").asDouble()).isEqualTo(expected.ips().value()).isCloseTo(0.55, within(1e-15));
    assertThat(estimates.get("ips").get("standardError").asDouble()).isEqualTo(expected.ips().standardError());
    assertThat(estimates.get("snips").get("value").asDouble()).isEqualTo(expected.selfNormalizedIps().value());
    assertThat(estimates.get("snips").get("effectiveSampleSize").asDouble())
        .isEqualTo(expected.selfNormalizedIps().effectiveSampleSize());
    assertThat(estimates.get("replay").get("value").asDouble()).isEqualTo(expected.replay().value());
    assertThat(json.get("estimates").get("replay").fieldNames()).toIterable()
        .containsExactly("value", "standardError", "effectiveSampleSize");
  }

  @Test
  void linUcbRunsWithTheSettingsGiven(@TempDir Path dir) throws IOException {
    var file = dir.resolve("linucb.json");
    var result = run("--log", TINY, "--policy", "linucb", "--alpha", "0.5", "--lambda", "2", "--epsilon", "0.1", "--seed", "7",
        "--json", file.toString());
    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("Policy linucb (alpha 0.5, lambda 2.0, epsilon 0.1), seed 7 over ");
    var json = Json.MAPPER.readTree(file.toFile());
    assertThat(json.get("linucb").get("lambda").asDouble()).isEqualTo(2.0);
    assertThat(json.get("seed").asLong()).isEqualTo(7);
  }

  @Test
  void anItemFileGivenReplacesTheOneBesideTheLog(@TempDir Path dir) throws IOException {
    var items = dir.resolve("items.csv");
    Files.writeString(items, "item_id\n0\n1\n2\n3\n");
    var result = run("--log", TINY, "--policy", "uniform", "--items", items.toString());
    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out()).contains("5 rounds, 4 items (from " + items + ")");
  }

  @Test
  void withoutAnItemFileTheItemsAreThoseLogged(@TempDir Path dir) throws IOException {
    var log = dir.resolve("log.csv");
    Files.copy(BANDIT_TINY_LOG, log);
    var result = run("--log", log.toString(), "--policy", "uniform");
    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out()).contains("5 rounds, 3 items (from the items logged)");
  }

  @Test
  void aMissingLogExitsWith2AndSaysSo() {
    var result = run("--log", "no/such/log.csv", "--policy", "uniform");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("evaluate: cannot read no/such/log.csv: no such file\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aMissingItemFileExitsWith2AndSaysSo() {
    var result = run("--log", TINY, "--policy", "uniform", "--items", "no/such/items.csv");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("evaluate: cannot read no/such/items.csv: no such file\n");
  }

  @Test
  void aBadColumnExitsWith2AndNamesTheLine(@TempDir Path dir) throws IOException {
    var log = dir.resolve("bad.csv");
    Files.writeString(log, "item_id,click,propensity_score\n1,0,0.5\n2,1,often\n");
    var result = run("--log", log.toString(), "--policy", "logged");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("evaluate: " + log + " line 3: propensity_score must be a finite number, got 'often'\n");
    Files.writeString(log, "item,click,propensity_score\n1,0,0.5\n");
    assertThat(run("--log", log.toString(), "--policy", "logged").err())
        .isEqualTo("evaluate: " + log + " line 1: no column item_id (the header has item, click, propensity_score)\n");
  }

  @Test
  void anUnknownPolicyOrASettingOutOfRangeIsBadUsage() {
    var unknown = run("--log", TINY, "--policy", "greedy");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("evaluate: Invalid value for option '--policy': 'greedy' is not a policy: uniform, logged or linucb\n")
        .contains(USAGE);
    var epsilon = run("--log", TINY, "--policy", "linucb", "--epsilon", "0");
    assertThat(epsilon.status()).isEqualTo(2);
    assertThat(epsilon.err()).startsWith("evaluate: epsilon must be in (0, 1], got 0.0\n").contains(USAGE);
    var missing = run("--log", TINY);
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).startsWith("evaluate: Missing required option: '--policy=NAME'").contains(USAGE);
  }

  @Test
  void aJsonFileThatCannotBeWrittenExitsWith1AfterTheFigures(@TempDir Path dir) {
    var result = run("--log", TINY, "--policy", "logged", "--json", dir.resolve("no/such/dir/out.json").toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out()).contains("IPS ");
    assertThat(result.err()).startsWith("evaluate: cannot write " + dir.resolve("no/such/dir/out.json") + ": ");
  }
}
