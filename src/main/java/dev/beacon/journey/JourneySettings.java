package dev.beacon.journey;

import com.typesafe.config.Config;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.behaviour.BehaviourSettings;
import dev.beacon.event.Consent;
import java.time.Duration;
import java.util.Set;

/**
 * {@code beacon.journey}: the dedup window of events with a user, the number of journey buckets
 * per organisation (each bucket entity holds the journeys of the users hashed to it) and of the
 * shards they are spread over (a multiple: see {@link JourneyBuckets}), the most ids one bucket
 * keeps, snapshots; then how journeys are cut into sessions, which events are
 * conversions, the attribution lookback and half-life, and the bounds of what a bucket keeps.
 *
 * @param shards the journey shards, one per partition of the events topic; the same on every node
 * @param sessionTimeout inactivity that ends a session without a session id
 * @param engagedAfter a session with more engagement time than this is engaged
 * @param engagedPageViews a session with at least this many {@code page_view} events is engaged
 * @param conversionEvents event names that count as conversions
 * @param maxUsers users one bucket keeps, the least recently active evicted first
 * @param userRetention a user idle (in event time) longer than this is dropped
 * @param maxTouchpoints sessions (one touchpoint each) kept per user, oldest dropped first
 * @param maxConversions conversions kept per user for the journey query, oldest dropped first
 * @param maxTransactionIds transaction ids remembered per user for conversion dedup, oldest dropped first
 * @param allowedLateness an event this much earlier than its user's latest event still lands where
 *     it happened (the journey is derived again); an earlier one changes no journey
 * @param maxRecentEventsPerUser events kept per user to derive the journey again, the oldest settled
 *     first (an event earlier than a settled one is too late)
 * @param tracking whether journeys (sessions, touchpoints, conversions, credits) are kept; off
 *     keeps only the dedup window of event ids
 * @param consentByDefault each purpose's consent for a user none of whose events said anything of it
 * @param behaviour the engagement score, segments and invalid-traffic rules ({@code beacon.behaviour})
 */
public record JourneySettings(
    Duration dedupWindow,
    int dedupMaxIds,
    int snapshotEvery,
    int bucketsPerOrganization,
    int shards,
    Duration sessionTimeout,
    Duration engagedAfter,
    int engagedPageViews,
    Set<String> conversionEvents,
    Duration lookback,
    Duration halfLife,
    int maxUsers,
    Duration userRetention,
    int maxTouchpoints,
    int maxConversions,
    int maxTransactionIds,
    Duration allowedLateness,
    int maxRecentEventsPerUser,
    boolean tracking,
    Consent consentByDefault,
    BehaviourSettings behaviour) {

  public JourneySettings {
    if (bucketsPerOrganization < 1) throw new IllegalArgumentException("beacon.journey.buckets-per-organization: at least 1");
    if (shards < 1) throw new IllegalArgumentException("beacon.journey.shards: at least 1");
    if (bucketsPerOrganization % shards != 0) {
      throw new IllegalArgumentException("beacon.journey.buckets-per-organization (" + bucketsPerOrganization
          + ") must be a multiple of beacon.journey.shards (" + shards + ", by default beacon.kafka.partitions)");
    }
    atLeastOne(maxUsers, "max-users-per-bucket");
    atLeastOne(maxTouchpoints, "max-touchpoints-per-user");
    atLeastOne(maxConversions, "max-conversions-per-user");
    atLeastOne(maxTransactionIds, "max-transaction-ids-per-user");
    atLeastOne(maxRecentEventsPerUser, "max-recent-events-per-user");
    if (allowedLateness.isNegative()) throw new IllegalArgumentException("beacon.journey.allowed-lateness: must not be negative");
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw new IllegalArgumentException("beacon.journey.session-timeout: must be positive");
    }
    conversionEvents = Set.copyOf(conversionEvents);
    if (consentByDefault.analytics() == null || consentByDefault.adPersonalization() == null) {
      throw new IllegalArgumentException("beacon.journey.consent-by-default: both purposes must be granted or denied");
    }
  }

  /** Every key is in application.conf, the one source of defaults. */
  public static JourneySettings from(Config c) {
    return new JourneySettings(c.getDuration("dedup-window"), c.getInt("dedup-max-ids"), c.getInt("snapshot-every"),
        c.getInt("buckets-per-organization"), c.getInt("shards"),
        c.getDuration("session-timeout"), c.getDuration("engaged-after"), c.getInt("engaged-page-views"),
        Set.copyOf(c.getStringList("conversion-events")), c.getDuration("lookback"), c.getDuration("half-life"),
        c.getInt("max-users-per-bucket"), c.getDuration("user-retention"), c.getInt("max-touchpoints-per-user"),
        c.getInt("max-conversions-per-user"), c.getInt("max-transaction-ids-per-user"),
        c.getDuration("allowed-lateness"), c.getInt("max-recent-events-per-user"), c.getBoolean("tracking"),
        new Consent(granted(c, "consent-by-default.analytics"), granted(c, "consent-by-default.ad-personalization")),
        BehaviourSettings.from(c.getConfig("behaviour")));
  }

  private static boolean granted(Config c, String key) {
    return switch (c.getString(key)) {
      case "granted" -> true;
      case "denied" -> false;
      default -> throw new IllegalArgumentException("beacon.journey." + key + ": granted or denied, not '" + c.getString(key) + "'");
    };
  }

  /** Users to buckets with {@code hash}, buckets to shards. */
  public JourneyBuckets buckets(JourneyBuckets.BucketHash hash) {
    return new JourneyBuckets(bucketsPerOrganization, shards, hash);
  }

  /** The rule-based models with this lookback and half-life. */
  RuleBasedAttribution attribution() {
    return new RuleBasedAttribution(lookback, halfLife);
  }

  private static void atLeastOne(int value, String key) {
    if (value < 1) throw new IllegalArgumentException("beacon.journey." + key + ": at least 1");
  }
}
