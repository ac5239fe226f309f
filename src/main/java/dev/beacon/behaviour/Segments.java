package dev.beacon.behaviour;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Which segment a user is in: the first rule that the user's purchase history meets, in the
 * configured order ({@code beacon.behaviour.segments}), else {@link #DEFAULT}. A segment may have
 * several rules (any of them puts a user in it). The one definition: the journey answer names a
 * user's segment by it, and the bandit chooses with the model of that segment.
 */
public final class Segments {
  public static final String DEFAULT = "default";
  private final List<SegmentRule> rules;

  public Segments(List<SegmentRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The rules of {@code segments} in {@code c} ({@code beacon.behaviour}), a list of objects. */
  public static Segments from(Config c) {
    var rules = new ArrayList<SegmentRule>();
    for (var rule : c.getConfigList("segments")) rules.add(SegmentRule.from(rule));
    return new Segments(rules);
  }

  public String segmentOf(PurchaseHistory history, long nowMillis) {
    for (var rule : rules) {
      if (rule.matches(history, nowMillis)) return rule.segment();
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
