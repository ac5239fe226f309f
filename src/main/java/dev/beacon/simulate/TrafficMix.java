package dev.beacon.simulate;

/**
 * How ad events are shared out, with the old API's meaning: of the campaign events the
 * simulator writes, about {@code impressionRate} are impressions, {@code clickRate} clicks and
 * {@code conversionRate} conversions; the rest are views, engagements, completions and skips.
 * The journey probabilities below are derived so that these shares hold on average while every
 * user still goes impression → click → site → purchase in order. Bots ({@code botRate} of paid
 * journeys) add their rapid clicks on top.
 */
record TrafficMix(double impressionRate, double clickRate, double conversionRate, double botRate) {
  public static final TrafficMix DEFAULT = new TrafficMix(0.7, 0.25, 0.05, 0.01);
  /** At most this many ad events per paid journey on average. */
  private static final double MAX_SCALE = 4.0;
  /** At most this share of paid journeys clicks. */
  private static final double MAX_CLICK_PROBABILITY = 0.5;

  public TrafficMix {
    for (var rate : new double[] {impressionRate, clickRate, conversionRate, botRate}) {
      if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("rates must be within [0, 1]");
    }
    if (impressionRate + clickRate + conversionRate > 1 + 1e-9) {
      throw new IllegalArgumentException("impression, click and conversion rates must not sum over 1");
    }
  }

  /** Views, engagements, completions and skips. */
  double otherRate() {
    return Math.max(0, 1 - impressionRate - clickRate - conversionRate);
  }

  /** Expected ad events per paid journey, chosen so that the probabilities below stay within [0, 1]. */
  double scale() {
    var scale = MAX_SCALE;
    if (clickRate > 0) scale = Math.min(scale, MAX_CLICK_PROBABILITY / clickRate);
    if (conversionRate > 0) scale = Math.min(scale, 1 / conversionRate);
    return scale;
  }

  double meanImpressions() {
    return scale() * impressionRate;
  }

  double meanOtherAdEvents() {
    return scale() * otherRate();
  }

  double clickProbability() {
    return scale() * clickRate;
  }

  /** How often a click leads through the site funnel to a purchase (and its conversion). */
  double purchaseAfterClick() {
    return clickRate > 0 ? Math.min(1, conversionRate / clickRate) : 0;
  }

  /** How often a user who saw ads but did not click comes back directly and buys. */
  double viewThroughConversion() {
    var missing = scale() * Math.max(0, conversionRate - clickRate * purchaseAfterClick());
    return Math.min(1, missing / (1 - clickProbability()));
  }
}
