package dev.beacon.bandit.model;

import dev.beacon.journey.JourneyConversions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The journeys' conversions as rewards: each organisation's conversions go, as one command, to
 * each of its models ({@link ModelDirectory}), where each rewards the decision that showed the
 * user a campaign the conversion credits. Done when every model has persisted what it learned, so
 * the projection stores its offset only then; a group handed over again learns nothing twice.
 */
final class ConversionRewards {
  private final BanditModels models;

  ConversionRewards(BanditModels models) {
    this.models = models;
  }

  CompletionStage<Done> reward(List<JourneyConversions.Counted> conversions) {
    var byOrganization = new LinkedHashMap<String, List<BanditModel.ConversionSeen>>();
    for (var c : conversions) {
      if (c.campaigns().isEmpty()) continue;
      byOrganization.computeIfAbsent(c.organizationId(), o -> new ArrayList<>())
          .add(new BanditModel.ConversionSeen(c.userId(), c.conversionId(), c.campaigns(), c.timestampMillis(), c.value()));
    }
    var done = new ArrayList<CompletableFuture<?>>();
    byOrganization.forEach((organizationId, seen) -> done.add(models.modelsOf(organizationId).thenCompose(modelIds -> {
      var rewarded = new ArrayList<CompletableFuture<?>>();
      for (var modelId : modelIds) rewarded.add(models.rewardConversions(modelId, seen).toCompletableFuture());
      return CompletableFuture.allOf(rewarded.toArray(CompletableFuture[]::new));
    }).toCompletableFuture()));
    return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
  }
}
