package dev.beacon.bandit.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.bandit.offline.OffPolicyEstimates.Estimate;
import dev.beacon.common.Json;
import java.util.Locale;

/**
 * What {@link OfflineEvaluation} found: the run (log, policy, options, items, context dimension,
 * whether the log is uniformly random, where alone replay is unbiased), the mean logged reward
 * and the estimates; as text for the terminal and as JSON, both with 12
 * significant digits or more (JSON numbers are written exactly), undefined figures as n/a or null.
 */
public record EvaluationResult(String log, EvaluationOptions options, int items, String itemsFrom, int dimension,
    boolean uniformLog, double meanLoggedReward, OffPolicyEstimates estimates) {

  public String text() {
    var text = new StringBuilder();
    var policy = options.policy();
    text.append("Policy ").append(policy.wireName());
    if (policy == EvaluationPolicy.LINUCB) {
      text.append(String.format(Locale.ROOT, " (alpha %s, lambda %s, epsilon %s)", options.alpha(), options.ridge(), options.epsilon()));
    }
    if (policy != EvaluationPolicy.LOGGED) text.append(", seed ").append(options.seed());
    text.append(" over ").append(log).append('\n');
    text.append(String.format(Locale.ROOT, "%d rounds, %d items (from %s), context dimension %d%n", estimates.rounds(), items,
        itemsFrom, dimension));
    text.append(String.format(Locale.ROOT, "mean logged reward  %s%n", figure(meanLoggedReward)));
    text.append(String.format(Locale.ROOT, "mean weight         %s   (Σ w / n, w = π(a|x)/p: near 1 when the propensities are right)%n",
        figure(estimates.meanWeight())));
    text.append(String.format(Locale.ROOT, "%-7s  %-20s  %-20s  %s%n", "", "estimate", "standard error", "effective sample size"));
    row(text, "replay", estimates.replay(), uniformLog ? " (rounds where the policy drew the logged item)"
        : " (rounds where the policy drew the logged item; biased: the log is not uniformly random)");
    row(text, "IPS", estimates.ips(), "");
    row(text, "SNIPS", estimates.selfNormalizedIps(), "");
    return text.toString();
  }

  private static void row(StringBuilder text, String name, Estimate estimate, String note) {
    text.append(String.format(Locale.ROOT, "%-7s  %-20s  %-20s  %s%s%n", name, figure(estimate.value()),
        figure(estimate.standardError()), figure(estimate.effectiveSampleSize()), note));
  }

  /** 12 significant digits; n/a where undefined. */
  static String figure(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.12g", value);
  }

  /**
   * The JSON document of the result, as {@code evaluate --json} writes it and
   * {@code POST /api/models/evaluate} answers it: {@link #json}, indented, ending with a newline.
   */
  public String jsonDocument() {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json()) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree of numbers and strings could not be written", e);
    }
  }

  public ObjectNode json() {
    var json = JsonNodeFactory.instance.objectNode();
    json.put("log", log);
    json.put("policy", options.policy().wireName());
    if (options.policy() != EvaluationPolicy.LOGGED) json.put("seed", options.seed());
    if (options.policy() == EvaluationPolicy.LINUCB) {
      json.putObject("linucb").put("alpha", options.alpha()).put("lambda", options.ridge()).put("epsilon", options.epsilon());
    }
    json.put("rounds", estimates.rounds());
    json.put("items", items);
    json.put("itemsFrom", itemsFrom);
    json.put("contextDimension", dimension);
    json.put("uniformLog", uniformLog);
    json.put("matchedRounds", estimates.matched());
    number(json, "meanLoggedReward", meanLoggedReward);
    number(json, "meanWeight", estimates.meanWeight());
    var figures = json.putObject("estimates");
    estimate(figures.putObject("replay"), estimates.replay());
    estimate(figures.putObject("ips"), estimates.ips());
    estimate(figures.putObject("snips"), estimates.selfNormalizedIps());
    return json;
  }

  private static void estimate(ObjectNode json, Estimate estimate) {
    number(json, "value", estimate.value());
    number(json, "standardError", estimate.standardError());
    number(json, "effectiveSampleSize", estimate.effectiveSampleSize());
  }

  /** JSON has no NaN: an undefined figure is null. */
  private static void number(ObjectNode json, String name, double value) {
    if (Double.isNaN(value)) json.putNull(name);
    else json.put(name, value);
  }
}
