package dev.beacon.bandit.model;

import dev.beacon.bandit.LinUcbSettings;
import dev.beacon.bandit.offline.EvaluationOptions;
import dev.beacon.bandit.offline.EvaluationPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * The query of {@code POST /api/models/evaluate}: the {@code evaluate} command's options as
 * parameters ({@code policy}, required; {@code seed}, {@code alpha}, {@code lambda},
 * {@code epsilon}, with the command's defaults), each checked on its own so that every bad one
 * gets its reason ({@code "alpha: must be a finite number ≥ 0, got -1.0"}). A parameter that is
 * none of these (but the key's {@code token}), or one given twice, is a reason too: a misspelt
 * option must not silently fall back to its default.
 */
final class EvaluationQuery {
  private static final List<String> PARAMETERS = List.of("policy", "seed", "alpha", "lambda", "epsilon");
  /** The key may come in the query (security.Access): not an option, but not unknown either. */
  private static final String TOKEN = "token";

  private EvaluationQuery() {}

  /** The options, or the reasons they cannot be had (then {@code options} is null). */
  record Checked(EvaluationOptions options, List<String> reasons) {}

  static Checked read(Map<String, List<String>> query) {
    var reasons = new ArrayList<String>();
    query.forEach((name, values) -> {
      if (!PARAMETERS.contains(name) && !name.equals(TOKEN)) {
        reasons.add(name + ": not a parameter of this endpoint (" + String.join(", ", PARAMETERS) + ")");
      } else if (values.size() > 1) {
        reasons.add(name + ": given " + values.size() + " times");
      }
    });
    EvaluationPolicy policy = null;
    var policyName = value(query, "policy");
    if (policyName.isEmpty()) {
      reasons.add("policy: required, one of " + EvaluationPolicy.names());
    } else {
      try {
        policy = EvaluationPolicy.fromWireName(policyName.get());
      } catch (IllegalArgumentException e) {
        reasons.add("policy: must be one of " + EvaluationPolicy.names() + ", got '" + policyName.get() + "'");
      }
    }
    var seed = EvaluationOptions.DEFAULT_SEED;
    var seedText = value(query, "seed");
    if (seedText.isPresent()) {
      try {
        seed = Long.parseLong(seedText.get().trim());
      } catch (NumberFormatException e) {
        reasons.add("seed: must be a whole number, got '" + seedText.get() + "'");
      }
    }
    var defaults = EvaluationOptions.of(EvaluationPolicy.UNIFORM);
    var alpha = setting(query, "alpha", defaults.alpha(), reasons,
        a -> new EvaluationOptions(defaults.policy(), defaults.seed(), a, defaults.ridge(), defaults.epsilon()));
    var lambda = setting(query, "lambda", defaults.ridge(), reasons,
        l -> new EvaluationOptions(defaults.policy(), defaults.seed(), defaults.alpha(), l, defaults.epsilon()));
    var epsilon = setting(query, "epsilon", defaults.epsilon(), reasons,
        e -> new EvaluationOptions(defaults.policy(), defaults.seed(), defaults.alpha(), defaults.ridge(), e));
    if (!reasons.isEmpty()) return new Checked(null, List.copyOf(reasons));
    return new Checked(new EvaluationOptions(policy, seed, alpha, lambda, epsilon), List.of());
  }

  private static Optional<String> value(Map<String, List<String>> query, String name) {
    var values = query.getOrDefault(name, List.of());
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * A LinUCB setting, {@code fallback} when absent; checked by {@link LinUcbSettings}' own range
   * checks ({@code check} builds options with this value alone changed), whose message is
   * "{@code <setting> must …}": the reason keeps what follows the setting's name.
   */
  private static double setting(Map<String, List<String>> query, String name, double fallback, List<String> reasons,
      DoubleFunction<EvaluationOptions> check) {
    var text = value(query, name);
    if (text.isEmpty()) return fallback;
    double value;
    try {
      value = Double.parseDouble(text.get().trim());
    } catch (NumberFormatException e) {
      reasons.add(name + ": must be a number, got '" + text.get() + "'");
      return fallback;
    }
    try {
      check.apply(value);
    } catch (IllegalArgumentException e) {
      var message = e.getMessage();
      var must = message.indexOf("must ");
      reasons.add(name + ": " + (must < 0 ? message : message.substring(must)));
    }
    return value;
  }
}
