package dev.beacon.behaviour;

/**
 * What segments are decided on: a user's purchases over all time.
 *
 * @param purchases purchases counted
 * @param totalSpent what they came to, in the organisation's currency
 * @param firstPurchaseMillis when the first one happened (epoch millis), null if none
 * @param lastPurchaseMillis when the latest one happened, null if none
 */
public record PurchaseHistory(long purchases, double totalSpent, Long firstPurchaseMillis, Long lastPurchaseMillis) {
  private static final long DAY = 86_400_000L;

  /** Average order value, 0 without purchases. */
  public double averageOrderValue() {
    return purchases == 0 ? 0 : totalSpent / purchases;
  }

  /** Whole days from the first purchase to {@code nowMillis}; null without purchases. */
  public Long daysSinceFirstPurchase(long nowMillis) {
    return firstPurchaseMillis == null ? null : Math.max(0, (nowMillis - firstPurchaseMillis) / DAY);
  }

  /** Whole days from the latest purchase to {@code nowMillis}; null without purchases. */
  public Long daysSinceLastPurchase(long nowMillis) {
    return lastPurchaseMillis == null ? null : Math.max(0, (nowMillis - lastPurchaseMillis) / DAY);
  }
}
