package dev.beacon.bandit.context;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Which segment a user is in, and so which model chooses for them: the first rule that the
 * user's purchase history meets, in the configured order ({@code beacon.bandit.segments}), else
 * {@link #DEFAULT}. A segment may have several rules (any of them puts a user in it).
 */
public final class Segments {
  public static final String DEFAULT = "default";
  private final List<SegmentRule> rules;

  public Segments(List<SegmentRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The rules of {@code beacon.bandit.segments}, a list of objects. */
  public static Segments from(Config bandit) {
    var rules = new ArrayList<SegmentRule>();
    for (var c : bandit.getConfigList("segments")) rules.add(SegmentRule.from(c));
    return new Segments(rules);
  }

  public String segmentOf(CustomerProfile profile, long nowMillis) {
    for (var rule : rules) {
      if (rule.matches(profile, nowMillis)) return rule.segment();
    }
    return DEFAULT;
  }

  /** Every segment a user can be in, in the rules' order, {@link #DEFAULT} last: a model for each exists from the start. */
  public List<String> names() {
    var names = new LinkedHashSet<String>();
    rules.forEach(rule -> names.add(rule.segment()));
    names.add(DEFAULT);
    return List.copyOf(names);
  }
}
