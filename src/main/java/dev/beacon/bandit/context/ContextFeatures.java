package dev.beacon.bandit.context;

import java.util.List;
import java.util.Locale;

/**
 * The 21-dimensional context a campaign model decides on, each dimension documented here and
 * nowhere else. Counts and amounts enter as log(1 + x), so that one big spender does not stretch
 * the scale for everyone; days are capped at a year. The continuous dimensions (1 to 9) are then
 * standardised with running statistics that the model keeps ({@link RunningStandardizer}); the
 * bias, the one-hot and the cyclic dimensions are used as they are.
 *
 * <pre>
 *  0 bias                      1 (lets each arm learn its base rate)
 *  1 purchases                 log(1 + purchases)
 *  2 total spent               log(1 + total spent)
 *  3 average order value       log(1 + total spent / purchases), 0 without purchases
 *  4 days since first purchase min(days, 365), 0 without purchases
 *  5 days since last purchase  min(days, 365), 365 without purchases (recency)
 *  6 has purchased             1 or 0
 *  7 sessions                  log(1 + sessions)
 *  8 engagement                engaged sessions / sessions, 0 without sessions
 *  9 page views per session    log(1 + page views / sessions), 0 without sessions
 * 10 device desktop            1 or 0 (10 to 12 all 0 for another or unknown device)
 * 11 device mobile
 * 12 device tablet
 * 13 channel Direct            1 or 0, for the visit's default channel group
 * 14 channel search            Organic Search, Paid Search, Organic Shopping, Paid Shopping
 * 15 channel social            Organic Social, Paid Social, Organic Video, Paid Video
 * 16 channel email             Email, SMS, Mobile Push Notifications
 * 17 channel referral          Referral, Affiliates
 * 18 channel other             any other channel (Display, Audio, Paid Other, Unassigned, unknown)
 * 19 hour of day, sine         sin(2π · hour / 24), the hour in UTC with its minutes
 * 20 hour of day, cosine       cos(2π · hour / 24)
 * </pre>
 */
public final class ContextFeatures {
  public static final int DIMENSION = 21;
  public static final List<String> NAMES = List.of("bias", "purchases", "total_spent", "average_order_value",
      "days_since_first_purchase", "days_since_last_purchase", "has_purchased", "sessions", "engagement",
      "page_views_per_session", "device_desktop", "device_mobile", "device_tablet", "channel_direct", "channel_search",
      "channel_social", "channel_email", "channel_referral", "channel_other", "hour_sin", "hour_cos");
  /** The dimensions standardised with running statistics: 1 to 9. */
  public static final int FIRST_CONTINUOUS = 1;
  public static final int LAST_CONTINUOUS = 9;
  private static final int YEAR = 365;

  private ContextFeatures() {}

  /** The raw (not yet standardised) context of {@code profile} at {@code nowMillis}. */
  public static double[] of(CustomerProfile profile, long nowMillis) {
    var x = new double[DIMENSION];
    x[0] = 1;
    x[1] = Math.log1p(profile.purchases());
    x[2] = Math.log1p(profile.totalSpent());
    x[3] = Math.log1p(profile.averageOrderValue());
    var first = profile.daysSinceFirstPurchase(nowMillis);
    var last = profile.daysSinceLastPurchase(nowMillis);
    x[4] = first == null ? 0 : Math.min(first, YEAR);
    x[5] = last == null ? YEAR : Math.min(last, YEAR);
    x[6] = profile.purchases() > 0 ? 1 : 0;
    x[7] = Math.log1p(profile.sessions());
    x[8] = profile.sessions() == 0 ? 0 : Math.min(1.0, (double) profile.engagedSessions() / profile.sessions());
    x[9] = profile.sessions() == 0 ? 0 : Math.log1p((double) profile.pageViews() / profile.sessions());
    var device = profile.deviceType() == null ? "" : profile.deviceType().toLowerCase(Locale.ROOT);
    switch (device) {
      case "desktop" -> x[10] = 1;
      case "mobile" -> x[11] = 1;
      case "tablet" -> x[12] = 1;
      default -> { }
    }
    x[channelDimension(profile.channel())] = 1;
    var hour = Math.floorMod(nowMillis, 86_400_000L) / 3_600_000.0;
    x[19] = Math.sin(2 * Math.PI * hour / 24);
    x[20] = Math.cos(2 * Math.PI * hour / 24);
    return x;
  }

  /**
   * The context of a decision for a user who has not granted ad personalisation: the bias and the
   * hour of day of {@code context}, nothing of the user (their history, device and channel): the
   * continuous dimensions at 0, which is their mean once standardised, and the one-hot dimensions
   * at 0, as for an unknown device and channel.
   */
  public static double[] withoutUser(double[] context) {
    var x = new double[DIMENSION];
    x[0] = context[0];
    x[19] = context[19];
    x[20] = context[20];
    return x;
  }

  /** Where a default channel group goes: 13 to 18. */
  static int channelDimension(String channel) {
    if (channel == null) return 18;
    return switch (channel) {
      case "Direct" -> 13;
      case "Organic Search", "Paid Search", "Organic Shopping", "Paid Shopping" -> 14;
      case "Organic Social", "Paid Social", "Organic Video", "Paid Video" -> 15;
      case "Email", "SMS", "Mobile Push Notifications" -> 16;
      case "Referral", "Affiliates" -> 17;
      default -> 18;
    };
  }
}
