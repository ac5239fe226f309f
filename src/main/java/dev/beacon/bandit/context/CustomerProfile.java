package dev.beacon.bandit.context;

import dev.beacon.behaviour.PurchaseHistory;

/**
 * What a model knows of a user when it chooses a campaign for them: their purchase history and
 * sessions (from their journey), and the device and channel of the visit being decided for.
 *
 * @param purchases purchases counted, all time
 * @param totalSpent what they came to, in the organisation's currency
 * @param firstPurchaseMillis when the first one happened (epoch millis), null if none
 * @param lastPurchaseMillis when the latest one happened, null if none
 * @param sessions sessions counted
 * @param engagedSessions of them, the engaged ones (GA4's sense: 10 s, a conversion or two page views)
 * @param pageViews page views counted
 * @param deviceType desktop, mobile, tablet, or anything else (null: unknown)
 * @param channel the default channel group of the visit (Direct, Paid Search, Email, ...; null: unknown)
 */
public record CustomerProfile(long purchases, double totalSpent, Long firstPurchaseMillis, Long lastPurchaseMillis,
    long sessions, long engagedSessions, long pageViews, String deviceType, String channel) {

  public CustomerProfile {
    if (purchases < 0 || sessions < 0 || engagedSessions < 0 || pageViews < 0) {
      throw new IllegalArgumentException("purchases, sessions, engagedSessions and pageViews must be 0 or more");
    }
    if (!Double.isFinite(totalSpent) || totalSpent < 0) {
      throw new IllegalArgumentException("totalSpent must be a finite number ≥ 0, got " + totalSpent);
    }
    if ((firstPurchaseMillis == null) != (lastPurchaseMillis == null)) {
      throw new IllegalArgumentException("firstPurchaseMillis and lastPurchaseMillis are both set or both null");
    }
    if (firstPurchaseMillis != null && firstPurchaseMillis > lastPurchaseMillis) {
      throw new IllegalArgumentException("the first purchase cannot come after the last");
    }
  }

  /** Someone Beacon has seen nothing of. */
  public static CustomerProfile unknown(String deviceType, String channel) {
    return new CustomerProfile(0, 0, null, null, 0, 0, 0, deviceType, channel);
  }

  /** The purchases segments are decided on. */
  public PurchaseHistory history() {
    return new PurchaseHistory(purchases, totalSpent, firstPurchaseMillis, lastPurchaseMillis);
  }

  /** Average order value, 0 without purchases. */
  public double averageOrderValue() {
    return history().averageOrderValue();
  }

  /** Whole days from the first purchase to {@code nowMillis}; null without purchases. */
  public Long daysSinceFirstPurchase(long nowMillis) {
    return history().daysSinceFirstPurchase(nowMillis);
  }

  /** Whole days from the latest purchase to {@code nowMillis}; null without purchases. */
  public Long daysSinceLastPurchase(long nowMillis) {
    return history().daysSinceLastPurchase(nowMillis);
  }
}
