package dev.beacon.privacy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/privacy/audit}: for one organisation, what Beacon keeps per user (and how much
 * of it), consent rates among the users whose events said something, the erasure requests and
 * their state, the retention and its last enforcement. Reads the database and asks each journey
 * bucket of the organisation for its counts: blocking, off the actor threads.
 */
final class PrivacyAudit {
  /** What is kept per user, where, and until when; the same for every organisation. */
  static final List<String> KEPT_PER_USER = List.of(
      "journey (journey buckets): sessions and touchpoints (latest 50), conversions with credits (latest 20), transaction "
          + "ids, all-time totals, engagement score, recent events within the allowed lateness; until idle past "
          + "beacon.journey.user-retention, the organisation's retention, or an erasure",
      "consent (journey buckets): each purpose as the user's events last said it",
      "event ids (journey buckets): 64-bit digests of the user's recent event ids, for the dedup window (72 h); kept "
          + "through an erasure, they name no one and keep retried events from counting twice",
      "bandit decisions (model entities): features, arm, propensity and user of each open decision; per-user ledgers of "
          + "what the user taught each arm (by key, not id), for exact forgetting",
      "live feed (memory of one hub per organisation): the newest events with their user");
  private static final int ERASURES_SHOWN = 20;
  private final ErasureStore store;
  private final Retention retention;
  private final JourneyJournals journeys;
  private final PrivacySettings settings;
  private final Duration timeout;

  PrivacyAudit(ErasureStore store, Retention retention, JourneyJournals journeys, PrivacySettings settings, Duration timeout) {
    this.store = store;
    this.retention = retention;
    this.journeys = journeys;
    this.settings = settings;
    this.timeout = timeout;
  }

  record Kept(List<String> perUser, int journeys, long journalRows, long snapshots) {}

  /** Shares of the users whose events said something of consent; null rates when none did. */
  record ConsentRates(int usersWhoSaid, Double analyticsGranted, Double adPersonalizationGranted) {}

  record Erasures(long pending, long done, List<ErasureView> latest) {}

  record RetentionView(Integer days, Retention.Run lastRun) {}

  record Audit(String organizationId, Instant at, Kept kept, ConsentRates consent, Erasures erasures, RetentionView retention) {}

  Audit of(String organizationId, Instant now) throws SQLException {
    var counts = JourneyJournals.Counts.NONE;
    for (var entityId : retention.entities(organizationId)) {
      try {
        counts = counts.plus(journeys.counts(entityId).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (Exception e) {
        throw new IllegalStateException("journey bucket " + entityId + " did not answer: " + e, e);
      }
    }
    var size = retention.journalSize(organizationId);
    var said = counts.consentsSaid();
    var consent = new ConsentRates(said, said == 0 ? null : (said - counts.analyticsDenied()) / (double) said,
        said == 0 ? null : (said - counts.adPersonalizationDenied()) / (double) said);
    var requests = store.of(organizationId, Integer.MAX_VALUE);
    var pending = requests.stream().filter(e -> ErasureStore.PENDING.equals(e.state())).count();
    var erasures = new Erasures(pending, requests.size() - pending,
        requests.stream().limit(ERASURES_SHOWN).map(ErasureView::of).toList());
    return new Audit(organizationId, now, new Kept(KEPT_PER_USER, counts.journeys(), size[0], size[1]), consent, erasures,
        new RetentionView(settings.retentionDays(organizationId).orElse(null), retention.lastRun(organizationId).orElse(null)));
  }
}
