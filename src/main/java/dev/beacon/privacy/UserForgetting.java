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

  /**
   * True for a part that must run only once the journals are cut: what the other parts look the
   * user up by (identity links), which a request started again after a crash still needs.
   */
  default boolean afterJournals() {
    return false;
  }

  /** What forgets a user, under a name. */
  @FunctionalInterface
  interface Forget {
    CompletionStage<List<Forgotten>> forget(String organizationId, String userId, Instant requestedAt);
  }

  static UserForgetting of(String name, Forget forget) {
    return new UserForgetting() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletionStage<List<Forgotten>> forget(String organizationId, String userId, Instant requestedAt) {
        return forget.forget(organizationId, userId, requestedAt);
      }
    };
  }
}
