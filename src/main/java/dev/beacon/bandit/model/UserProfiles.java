package dev.beacon.bandit.model;

import dev.beacon.bandit.context.CustomerProfile;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Where a model finds what it knows of a user: their profile from their journey, empty for a user never seen. */
@FunctionalInterface
public interface UserProfiles {
  CompletionStage<Optional<Known>> of(String organizationId, String userId);

  /** A user's profile, and whether they granted ad personalisation (without it, no decision uses the profile). */
  record Known(CustomerProfile profile, boolean adPersonalization) {}
}
