package dev.beacon.bandit.model;

import dev.beacon.bandit.context.CustomerProfile;
import dev.beacon.journey.JourneyProfiles;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What the models know of a user: the all-time profile their journey keeps, as the context features read it. */
public final class JourneyContext implements UserProfiles {
  private final JourneyProfiles journeys;

  public JourneyContext(JourneyProfiles journeys) {
    this.journeys = journeys;
  }

  @Override
  public CompletionStage<Optional<Known>> of(String organizationId, String userId) {
    return journeys.of(organizationId, userId).thenApply(found -> found.map(p -> new Known(new CustomerProfile(p.purchases(),
        p.totalSpent(), p.firstPurchaseMillis(), p.lastPurchaseMillis(), p.sessions(), p.engagedSessions(), p.pageViews(),
        p.deviceType(), p.channel()), p.adPersonalizationConsent())));
  }
}
