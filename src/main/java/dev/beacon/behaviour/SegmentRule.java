package dev.beacon.behaviour;

import com.typesafe.config.Config;

/**
 * One rule of {@link Segments}: a segment's name and the conditions on a user's purchase history
 * that put them in it, all of which must hold (an unset one, null, always holds).
 */
public record SegmentRule(String segment, Long minPurchases, Long maxPurchases, Double minTotalSpent,
    Double minAverageOrderValue, Long minDaysSinceLastPurchase, Long maxDaysSinceFirstPurchase) {

  public SegmentRule {
    if (segment == null || segment.isBlank()) throw new IllegalArgumentException("a segment rule needs a segment name");
  }

  /** Whether {@code profile} meets every condition at {@code nowMillis}. */
  public boolean matches(PurchaseHistory profile, long nowMillis) {
    if (minPurchases != null && profile.purchases() < minPurchases) return false;
    if (maxPurchases != null && profile.purchases() > maxPurchases) return false;
    if (minTotalSpent != null && profile.totalSpent() < minTotalSpent) return false;
    if (minAverageOrderValue != null && profile.averageOrderValue() < minAverageOrderValue) return false;
    var sinceLast = profile.daysSinceLastPurchase(nowMillis);
    if (minDaysSinceLastPurchase != null && (sinceLast == null || sinceLast < minDaysSinceLastPurchase)) return false;
    var sinceFirst = profile.daysSinceFirstPurchase(nowMillis);
    return maxDaysSinceFirstPurchase == null || (sinceFirst != null && sinceFirst <= maxDaysSinceFirstPurchase);
  }

  /** A rule as {@code beacon.behaviour.segments} writes it: {@code segment} and any of the conditions, kebab-case. */
  static SegmentRule from(Config c) {
    return new SegmentRule(c.getString("segment"), optionalLong(c, "min-purchases"), optionalLong(c, "max-purchases"),
        optionalDouble(c, "min-total-spent"), optionalDouble(c, "min-average-order-value"),
        optionalLong(c, "min-days-since-last-purchase"), optionalLong(c, "max-days-since-first-purchase"));
  }

  private static Long optionalLong(Config c, String path) {
    return c.hasPath(path) ? c.getLong(path) : null;
  }

  private static Double optionalDouble(Config c, String path) {
    return c.hasPath(path) ? c.getDouble(path) : null;
  }
}
