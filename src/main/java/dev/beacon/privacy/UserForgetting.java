package dev.beacon.privacy;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One part of Beacon that holds something of a user, asked to forget them in an erasure: it
 * completes once it holds nothing of the user, with the entities whose journals may now be cut
 * below the snapshot each took ({@link Forgotten}; none for a part that keeps no journal). Asked
 * again for the same user, it does the same again: an erasure interrupted by a crash starts over.
 */
public interface UserForgetting {
  /** What the erasure's progress calls this part ("journeys", "bandit models", "live feed"). */
  String name();

  CompletionStage<List<Forgotten>> forget(String organizationId, String userId, Instant requestedAt);
}
