package dev.beacon.bandit.model;

import dev.beacon.common.HttpSettings;
import dev.beacon.journey.JourneyConversions;
import dev.beacon.privacy.Forgotten;
import dev.beacon.privacy.UserForgetting;
import dev.beacon.security.Access;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The bandit models plugged into a server: the {@link BanditModel} entities and each organisation's
 * {@link ModelDirectory} on the system's sharding, their routes (with the offline evaluation's
 * first: its path, {@code /api/models/evaluate}, would otherwise read as a model's), and the
 * rewards the journeys' conversions give.
 */
public final class BanditModelFeature {
  private final Route routes;
  private final ConversionRewards conversionRewards;

  private BanditModelFeature(Route routes, ConversionRewards conversionRewards) {
    this.routes = routes;
    this.conversionRewards = conversionRewards;
  }

  /** {@code profiles}: what the models know of a user when they decide for one. */
  public static BanditModelFeature start(ActorSystem<?> system, BanditSettings settings, HttpSettings http, Access access,
      Pattern organizationIdPattern, UserProfiles profiles, MeterRegistry registry, Clock clock) {
    ModelDirectory.init(system);
    var decisions = Counter.builder("beacon.bandit.decisions").description("decisions the models on this node made").register(registry);
    var updates = Counter.builder("beacon.bandit.updates")
        .description("rewards the models on this node learned (each an update of a model's parameters)").register(registry);
    BanditModel.init(system, settings, clock, (decided, learned) -> {
      decisions.increment(decided);
      updates.increment(learned);
    });
    var models = new BanditModels(ClusterSharding.get(system), http.askTimeout());
    var evaluate = new EvaluateRoutes(system, settings.maxEvaluateSize(), settings.maxConcurrentEvaluations(), access);
    var modelRoutes = new BanditModelRoutes(models, access, organizationIdPattern, settings.maxImportSize(), profiles,
        settings.segments(), clock);
    return new BanditModelFeature(Directives.concat(evaluate.routes(), modelRoutes.routes()), new ConversionRewards(models));
  }

  /** What the journeys' conversions go to ({@link JourneyConversions}): rewards for the decisions that showed their campaigns. */
  public CompletionStage<Done> rewardConversions(List<JourneyConversions.Counted> conversions) {
    return conversionRewards.reward(conversions);
  }

  /**
   * An erasure's part: every model of the organisation forgets the user exactly; the projection
   * that reads the models' journals must read past a row before an erasure deletes it.
   */
  public UserForgetting forgetting(ActorSystem<?> system, Duration timeout) {
    var sharding = ClusterSharding.get(system);
    return UserForgetting.of("bandit models", (organizationId, userId, requestedAt) ->
        forgetUser(sharding, organizationId, userId, timeout.multipliedBy(3)));
  }

  /**
   * Asks every model of the organisation to forget the user ({@link BanditModel.ForgetUser}), all
   * at once; completes with each model's persistence id and the sequence number of the snapshot
   * taken after it, or fails with the first model that could not (the erasure is then asked again:
   * forgetting twice is harmless).
   */
  static CompletionStage<List<Forgotten>> forgetUser(ClusterSharding sharding, String organizationId, String userId,
      Duration timeout) {
    return sharding.entityRefFor(ModelDirectory.ENTITY_TYPE_KEY, organizationId)
        .<ModelDirectory.Models>askWithStatus(ModelDirectory.ListModels::new, timeout)
        .thenCompose(models -> {
          var forgotten = models.modelIds().stream()
              .map(modelId -> sharding.entityRefFor(BanditModel.ENTITY_TYPE_KEY, modelId)
                  .<Forgotten>askWithStatus(replyTo -> new BanditModel.ForgetUser(userId, replyTo), timeout)
                  .toCompletableFuture())
              .toList();
          return CompletableFuture.allOf(forgotten.toArray(CompletableFuture[]::new))
              .thenApply(done -> forgotten.stream().map(CompletableFuture::join).toList());
        });
  }

  /** The projections that read the models' journals (by tag). */
  public static List<String> journalReaders() {
    return List.of(PredictionProjection.NAME);
  }

  public Route routes() {
    return routes;
  }
}
