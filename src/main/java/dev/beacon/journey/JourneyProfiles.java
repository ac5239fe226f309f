package dev.beacon.journey;

import dev.beacon.privacy.Forgotten;
import dev.beacon.privacy.JourneyJournals;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * Users' all-time profiles ({@link JourneyProfile}) by organisation and user id, for the models
 * that decide for a user: each an ask to the journey bucket that holds the user, the way the
 * user-journey route asks for a journey (through here too). A user Beacon never saw, or forgot
 * (idle past the user retention, or evicted from a full bucket), has no profile. With journey
 * tracking off no user has one, and no bucket is asked.
 */
public final class JourneyProfiles {
  private final ClusterSharding sharding;
  private final JourneySettings settings;
  private final JourneyBuckets buckets;
  private final Duration timeout;

  JourneyProfiles(ClusterSharding sharding, JourneySettings settings, JourneyBuckets buckets, Duration timeout) {
    this.sharding = sharding;
    this.settings = settings;
    this.buckets = buckets;
    this.timeout = timeout;
  }

  /** The user's profile, empty when there is none; fails when the bucket does not answer within the ask timeout. */
  public CompletionStage<Optional<JourneyProfile>> of(String organizationId, String userId) {
    if (!settings.tracking()) return CompletableFuture.completedFuture(Optional.empty());
    return bucket(organizationId, userId)
        .<JourneyProfile>askWithStatus(replyTo -> new JourneyBucket.GetProfile(userId, replyTo), timeout)
        .handle((profile, error) -> {
          if (error == null) return Optional.of(profile);
          var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause instanceof StatusReply.ErrorMessage m && JourneyBucket.UNKNOWN_USER.equals(m.getMessage())) {
            return Optional.empty();
          }
          throw error instanceof CompletionException c ? c : new CompletionException(error);
        });
  }

  /** The user's journey; fails with the error {@link JourneyBucket#UNKNOWN_USER} when the bucket holds none. */
  CompletionStage<JourneyBucket.UserJourneyView> journey(String organizationId, String userId) {
    return bucket(organizationId, userId)
        .askWithStatus(replyTo -> new JourneyBucket.GetUserJourney(userId, replyTo), timeout);
  }

  /**
   * Forgets the user in the bucket that holds them (an erasure asked at {@code requestedAt}); with
   * journeys off too, since the bucket's journal may hold rows of before. Three ask timeouts: the
   * answer waits for a snapshot.
   */
  public CompletionStage<Forgotten> forget(String organizationId, String userId, Instant requestedAt) {
    return bucket(organizationId, userId)
        .askWithStatus(replyTo -> new JourneyBucket.Forget(userId, requestedAt.toEpochMilli(), replyTo), timeout.multipliedBy(3));
  }

  /** The journey buckets as the privacy jobs see them: expire a bucket's idle journeys, count what it keeps. */
  public JourneyJournals journals() {
    return new JourneyJournals() {
      @Override
      public String entityType() {
        return JourneyBucket.ENTITY_TYPE_KEY.name();
      }

      @Override
      public CompletionStage<Forgotten> expire(String entityId, long cutoffMillis) {
        return sharding.entityRefFor(JourneyBucket.ENTITY_TYPE_KEY, entityId)
            .askWithStatus(replyTo -> new JourneyBucket.Expire(cutoffMillis, replyTo), timeout.multipliedBy(3));
      }

      @Override
      public CompletionStage<Counts> counts(String entityId) {
        return sharding.entityRefFor(JourneyBucket.ENTITY_TYPE_KEY, entityId)
            .<JourneyBucket.PrivacyCounts>ask(JourneyBucket.GetPrivacyCounts::new, timeout)
            .thenApply(c -> new Counts(c.journeys(), c.consentsSaid(), c.analyticsDenied(), c.adPersonalizationDenied()));
      }
    };
  }

  private EntityRef<JourneyBucket.Command> bucket(String organizationId, String userId) {
    return sharding.entityRefFor(JourneyBucket.ENTITY_TYPE_KEY, buckets.entityId(organizationId, userId));
  }
}
