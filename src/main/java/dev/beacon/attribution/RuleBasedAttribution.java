package dev.beacon.attribution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule-based attribution models, all at once for one conversion. The touches that count are
 * those within the lookback window before the conversion (not after it), with repeats of one
 * channel on one UTC day collapsed ({@link Touchpoints}); among equal timestamps the given order
 * decides. Each model's credits add up to one conversion and the full value; a model gives one
 * credit per (channel, campaign), in order of first touch.
 *
 * <ul>
 *   <li>{@value #FIRST_CLICK}: the first touch.
 *   <li>{@value #LAST_CLICK}: the last touch that is not {@value ChannelGrouping#DIRECT}; the last
 *       (Direct) touch only when every touch is Direct.
 *   <li>{@value #LINEAR}: every touch alike.
 *   <li>{@value #TIME_DECAY}: weight 2^(-(conversion time - touch time) / half-life), normalised.
 *   <li>{@value #POSITION_BASED}: one touch 100%; two 50/50; more: 40% first, 40% last, 20% split
 *       evenly over the middle.
 * </ul>
 *
 * When no touch is left, every model credits the whole conversion to {@value ChannelGrouping#DIRECT}
 * / {@value #NO_TOUCH_CAMPAIGN}: a conversion with no known source is a direct visit in GA4 terms.
 */
public final class RuleBasedAttribution {
  public static final String FIRST_CLICK = "first_click";
  public static final String LAST_CLICK = "last_click";
  public static final String LINEAR = "linear";
  public static final String TIME_DECAY = "time_decay";
  public static final String POSITION_BASED = "position_based";
  public static final List<String> MODELS = List.of(FIRST_CLICK, LAST_CLICK, LINEAR, TIME_DECAY, POSITION_BASED);
  public static final String NO_TOUCH_CAMPAIGN = "(none)";
  public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(14);
  public static final Duration DEFAULT_HALF_LIFE = Duration.ofDays(7);

  private final Duration lookback;
  private final Duration halfLife;

  public RuleBasedAttribution(Duration lookback, Duration halfLife) {
    if (lookback.isNegative()) throw new IllegalArgumentException("lookback must not be negative: " + lookback);
    if (halfLife.isNegative() || halfLife.isZero()) throw new IllegalArgumentException("half-life must be positive: " + halfLife);
    this.lookback = lookback;
    this.halfLife = halfLife;
  }

  /** Lookback 14 days, half-life 7 days. */
  public static RuleBasedAttribution withDefaults() {
    return new RuleBasedAttribution(DEFAULT_LOOKBACK, DEFAULT_HALF_LIFE);
  }

  /** Model name ({@link #MODELS}, in that order) to its credits for one conversion. */
  public Map<String, List<Credit>> credit(List<Touchpoint> touches, long conversionMillis, double value) {
    return creditCounted(counted(touches, conversionMillis), value);
  }

  /**
   * The touches a conversion at {@code conversionMillis} credits, in order: those within the
   * lookback, collapsed; a single Direct touch when none is left. Their channels are the
   * conversion's path for the data-driven models.
   */
  public List<Touchpoint> counted(List<Touchpoint> touches, long conversionMillis) {
    // the window first, then the collapse: a touch outside the window must not hide one inside
    var counted = Touchpoints.collapse(Touchpoints.within(touches, conversionMillis, lookback));
    if (counted.isEmpty()) counted = List.of(new Touchpoint(ChannelGrouping.DIRECT, NO_TOUCH_CAMPAIGN, conversionMillis));
    return counted;
  }

  /** Every model's credits over touches already {@link #counted}. */
  public Map<String, List<Credit>> creditCounted(List<Touchpoint> counted, double value) {
    var channels = counted.stream().map(Touchpoint::channel).toList();
    var credits = new LinkedHashMap<String, List<Credit>>();
    for (var model : MODELS) {
      var weights = model.equals(TIME_DECAY) ? timeDecayWeights(counted) : sequenceWeights(model, channels);
      credits.put(model, credits(counted, weights, value));
    }
    return Collections.unmodifiableMap(credits);
  }

  /**
   * The weight of each position of a channel sequence under a model that needs no timestamps
   * (all but {@value #TIME_DECAY}); they add up to 1. Shared with the path-file report.
   */
  static double[] sequenceWeights(String model, List<String> channels) {
    var n = channels.size();
    if (n == 0) throw new IllegalArgumentException("no touch to credit");
    var w = new double[n];
    switch (model) {
      case FIRST_CLICK -> w[0] = 1;
      case LAST_CLICK -> w[lastNonDirect(channels)] = 1;
      case LINEAR -> Arrays.fill(w, 1.0 / n);
      case POSITION_BASED -> {
        if (n == 1) {
          w[0] = 1;
        } else if (n == 2) {
          w[0] = 0.5;
          w[1] = 0.5;
        } else {
          Arrays.fill(w, 0.2 / (n - 2));
          w[0] = 0.4;
          w[n - 1] = 0.4;
        }
      }
      default -> throw new IllegalArgumentException("not a sequence model: " + model);
    }
    return w;
  }

  static int lastNonDirect(List<String> channels) {
    for (var i = channels.size() - 1; i >= 0; i--) {
      if (!ChannelGrouping.DIRECT.equals(channels.get(i))) return i;
    }
    return channels.size() - 1;
  }

  private double[] timeDecayWeights(List<Touchpoint> touches) {
    // relative to the latest touch: the same ratios as 2^(-age/halfLife), and no underflow to all-zero
    var latest = touches.get(touches.size() - 1).timestampMillis();
    var halfLifeMillis = (double) halfLife.toMillis();
    var w = new double[touches.size()];
    var sum = 0.0;
    for (var i = 0; i < w.length; i++) {
      w[i] = Math.pow(2, -(latest - touches.get(i).timestampMillis()) / halfLifeMillis);
      sum += w[i];
    }
    for (var i = 0; i < w.length; i++) w[i] /= sum;
    return w;
  }

  private static List<Credit> credits(List<Touchpoint> touches, double[] weights, double value) {
    var byKey = new LinkedHashMap<List<String>, Double>();
    for (var i = 0; i < weights.length; i++) {
      if (weights[i] == 0) continue;
      var touch = touches.get(i);
      byKey.merge(List.of(touch.channel(), touch.campaign()), weights[i], Double::sum);
    }
    var credits = new ArrayList<Credit>(byKey.size());
    byKey.forEach((key, weight) -> credits.add(new Credit(key.get(0), key.get(1), weight, weight * value)));
    return List.copyOf(credits);
  }
}
