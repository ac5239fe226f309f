package dev.beacon.bandit.offline;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The policies {@code evaluate} runs over a log, and π(a|x), the probability each gives the
 * logged action, which the importance weights π(a|x)/p are made of.
 */
public enum EvaluationPolicy {
  /** Any item with the same probability: π(a|x) = 1 / number of items; its draw is uniform. */
  UNIFORM,
  /** The logging policy itself: π(a|x) = p and its draw is the logged action, so IPS and replay give the mean logged reward. */
  LOGGED,
  /**
   * A LinUCB model with the items as arms, run over the log in order as in replay: at each round it
   * decides on the round's context; π(a|x) is the probability its decision gives the logged item
   * (ε floor and ties included, so never 0); when its draw is the logged item, it learns the
   * logged reward. Replay and IPS thus estimate the same adaptive policy, which learns from the
   * matched rounds only.
   */
  LINUCB;

  /** The name on the command line and in results: {@code uniform}, {@code logged}, {@code linucb}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The policy named {@code name}, in any case. */
  public static EvaluationPolicy fromWireName(String name) {
    return Arrays.stream(values()).filter(p -> p.wireName().equalsIgnoreCase(name.trim())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a policy: " + names()));
  }

  /** {@code uniform, logged or linucb}. */
  public static String names() {
    var names = Arrays.stream(values()).map(EvaluationPolicy::wireName).collect(Collectors.toList());
    return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
  }
}
