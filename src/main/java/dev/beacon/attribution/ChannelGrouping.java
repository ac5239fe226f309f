package dev.beacon.attribution;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * GA4's default channel grouping: source / medium / campaign to a channel name, by the ordered
 * rule table in {@code channel-groups.conf} (first matching rule wins, else
 * {@value #UNASSIGNED}). Patterns are compiled once, and the answers for the last few thousand
 * distinct visits are remembered (a site sees few distinct sources): thread-safe, share one.
 *
 * <p>Missing values follow GA4: a visit with neither source nor medium is {@code (direct)} /
 * {@code (none)}, so it is {@value #DIRECT}; any other missing field is {@code (not set)}.
 */
public final class ChannelGrouping {
  public static final String RESOURCE = "channel-groups.conf";
  public static final String DIRECT = "Direct";
  public static final String UNASSIGNED = "Unassigned";
  private static final String NOT_SET = "(not set)";
  private static final int CACHE_SIZE = 4096;

  private record Condition(Pattern source, Pattern medium, Pattern campaign) {
    boolean matches(String s, String m, String c) {
      return (source == null || source.matcher(s).matches())
          && (medium == null || medium.matcher(m).matches())
          && (campaign == null || campaign.matcher(c).matches());
    }
  }

  private record Rule(String channel, List<Condition> anyOf) {
    boolean matches(String s, String m, String c) {
      for (var condition : anyOf) {
        if (condition.matches(s, m, c)) return true;
      }
      return false;
    }
  }

  private record Visit(String source, String medium, String campaign) {}

  private final List<Rule> rules;
  private final ConcurrentHashMap<Visit, String> cache = new ConcurrentHashMap<>();

  private ChannelGrouping(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The default grouping, from the {@value #RESOURCE} resource. */
  public static ChannelGrouping load() {
    var config = ConfigFactory.parseResources(ChannelGrouping.class.getClassLoader(), RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return from(config.resolve());
  }

  /** A grouping from a rule table of the same form as {@value #RESOURCE}. */
  public static ChannelGrouping from(Config config) {
    var rules = new ArrayList<Rule>();
    for (var ruleConfig : config.getConfigList("rules")) {
      var channel = ruleConfig.getString("channel");
      var anyOf = new ArrayList<Condition>();
      for (var when : ruleConfig.getConfigList("when")) {
        var unknown = new LinkedHashSet<>(when.root().keySet());
        unknown.removeAll(Set.of("source", "medium", "campaign"));
        if (!unknown.isEmpty() || when.isEmpty()) {
          throw new ConfigException.BadValue(when.origin(), "when",
              "rule " + channel + ": a condition names one or more of source, medium, campaign, not " + unknown);
        }
        anyOf.add(new Condition(pattern(when, "source", channel), pattern(when, "medium", channel),
            pattern(when, "campaign", channel)));
      }
      if (anyOf.isEmpty()) {
        throw new ConfigException.BadValue(ruleConfig.origin(), "when", "rule " + channel + " has no condition");
      }
      rules.add(new Rule(channel, anyOf));
    }
    return new ChannelGrouping(rules);
  }

  private static Pattern pattern(Config when, String field, String channel) {
    if (!when.hasPath(field)) return null;
    var regex = when.getString(field);
    try {
      return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    } catch (PatternSyntaxException e) {
      throw new ConfigException.BadValue(when.origin(), field, "rule " + channel + ": bad regex " + regex, e);
    }
  }

  /** The channel of a visit; any argument may be null. */
  public String channel(String source, String medium, String campaign) {
    var noSource = isBlank(source);
    var noMedium = isBlank(medium);
    var s = noSource ? (noMedium ? "(direct)" : NOT_SET) : source.trim();
    var m = noMedium ? (noSource ? "(none)" : NOT_SET) : medium.trim();
    var c = isBlank(campaign) ? NOT_SET : campaign.trim();
    var visit = new Visit(s, m, c);
    var channel = cache.get(visit);
    if (channel != null) return channel;
    channel = match(s, m, c);
    // bounded: past the limit start afresh rather than track recency on every call
    if (cache.size() >= CACHE_SIZE) cache.clear();
    cache.put(visit, channel);
    return channel;
  }

  private String match(String s, String m, String c) {
    for (var rule : rules) {
      if (rule.matches(s, m, c)) return rule.channel();
    }
    return UNASSIGNED;
  }

  /** Every channel this grouping can answer, in rule order, {@value #UNASSIGNED} last. */
  public List<String> channels() {
    var names = new LinkedHashSet<String>();
    for (var rule : rules) names.add(rule.channel());
    names.add(UNASSIGNED);
    return List.copyOf(names);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
