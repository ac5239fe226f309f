package dev.beacon.journey;

import dev.beacon.common.CborSerializable;

/**
 * A user's all-time profile from their journey, for the models that decide for them: every
 * figure counts all of the user's events Beacon took into the journey (in event time: late
 * events restate it), not only the latest sessions and conversions the journey keeps. A user
 * idle past {@code beacon.journey.user-retention} (or evicted from a full bucket) is forgotten
 * and starts again from nothing; a journey kept before profiles were counts from what it kept
 * then (its latest sessions and conversions).
 *
 * @param purchases counted conversions ({@code beacon.journey.conversion-events}, a transaction id counted once)
 * @param totalSpent their value, in the organisation's currency
 * @param firstPurchaseMillis event time (epoch millis) of the first, null without any
 * @param lastPurchaseMillis event time of the latest, null without any
 * @param sessions sessions opened
 * @param engagedSessions of them, the engaged ones
 * @param pageViews {@code page_view} events
 * @param deviceType the device type of the user's latest event that named one, null when none did
 * @param channel the default channel group the session of the user's latest event came from
 * @param lastActiveMillis event time of the user's latest event
 * @param analyticsConsent whether the user's consent lets Beacon keep their journey and learn from it
 * @param adPersonalizationConsent whether decisions may use the user's features and their rewards train
 */
public record JourneyProfile(long purchases, double totalSpent, Long firstPurchaseMillis, Long lastPurchaseMillis,
    long sessions, long engagedSessions, long pageViews, String deviceType, String channel, long lastActiveMillis,
    boolean analyticsConsent, boolean adPersonalizationConsent)
    implements CborSerializable {

  /** This profile with the user's consent as the bucket knows it. */
  JourneyProfile withConsent(boolean analytics, boolean adPersonalization) {
    return new JourneyProfile(purchases, totalSpent, firstPurchaseMillis, lastPurchaseMillis, sessions, engagedSessions,
        pageViews, deviceType, channel, lastActiveMillis, analytics, adPersonalization);
  }
}
