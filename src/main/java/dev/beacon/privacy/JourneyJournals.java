package dev.beacon.privacy;

import java.util.concurrent.CompletionStage;

/**
 * What the privacy jobs ask of the journeys, without knowing how they are kept: expire the
 * journeys of one bucket entity no batch touched since a time (retention), and count what a bucket
 * keeps (the audit). Entity ids are the journal's persistence ids less the entity type.
 */
public interface JourneyJournals {
  /** The entity type's part of a persistence id ({@code Journey}), before its {@code |}. */
  String entityType();

  CompletionStage<Forgotten> expire(String entityId, long cutoffMillis);

  CompletionStage<Counts> counts(String entityId);

  /** Journeys kept, users whose events said something of consent, and of them those denying each purpose. */
  record Counts(int journeys, int consentsSaid, int analyticsDenied, int adPersonalizationDenied) {
    static final Counts NONE = new Counts(0, 0, 0, 0);

    Counts plus(Counts other) {
      return new Counts(journeys + other.journeys, consentsSaid + other.consentsSaid, analyticsDenied + other.analyticsDenied,
          adPersonalizationDenied + other.adPersonalizationDenied);
    }
  }
}
