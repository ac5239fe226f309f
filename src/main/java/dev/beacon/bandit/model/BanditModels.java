package dev.beacon.bandit.model;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.beacon.bandit.LinUcbParameters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * The model entities as the routes reach them: one ask per command, with the configured timeout.
 * A model's organisation never changes once it is created, so it is kept here after the first
 * ask (bounded), and a route can check the caller's key without asking the entity each time.
 */
final class BanditModels {
  private static final int MAX_CACHED_ORGANIZATIONS = 100_000;
  private final ClusterSharding sharding;
  private final Duration timeout;
  private final Cache<String, String> organizations = Caffeine.newBuilder().maximumSize(MAX_CACHED_ORGANIZATIONS).build();

  BanditModels(ClusterSharding sharding, Duration timeout) {
    this.sharding = sharding;
    this.timeout = timeout;
  }

  /** The model's organisation; fails with {@link BanditModel#UNKNOWN_MODEL} for a model never configured. */
  CompletionStage<String> organizationOf(String modelId) {
    var known = organizations.getIfPresent(modelId);
    if (known != null) return CompletableFuture.completedFuture(known);
    return ask(modelId, BanditModel.GetOrganization::new).thenApply(o -> {
      organizations.put(modelId, o.organizationId());
      return o.organizationId();
    });
  }

  CompletionStage<BanditModel.Configuration> configure(String modelId, ModelRequests.Configuration c) {
    return ask(modelId, replyTo -> new BanditModel.Configure(c.organizationId(), c.arms(), c.dimension(), c.alpha(), c.lambda(),
        replyTo));
  }

  CompletionStage<BanditModel.DecisionMade> decide(String modelId, ModelRequests.Decide d) {
    return ask(modelId, replyTo -> new BanditModel.Decide(d.features(), d.userId(), replyTo));
  }

  /** A decision on {@code context}, built from the user's journey and not yet standardised; see {@link BanditModel.DecideForUser}. */
  CompletionStage<BanditModel.DecisionMade> decideForUser(String modelId, String userId, double[] context, boolean adPersonalization) {
    return ask(modelId, replyTo -> new BanditModel.DecideForUser(userId, context, adPersonalization, replyTo));
  }

  CompletionStage<BanditModel.RewardTaken> reward(String modelId, ModelRequests.Reward r) {
    return ask(modelId, replyTo -> new BanditModel.Reward(r.decisionId(), r.reward(), replyTo));
  }

  CompletionStage<ModelStats> stats(String modelId) {
    return ask(modelId, BanditModel.GetStats::new);
  }

  CompletionStage<BanditModel.Checkpoints> checkpoints(String modelId) {
    return ask(modelId, BanditModel.ListCheckpoints::new);
  }

  CompletionStage<ModelStats> rollback(String modelId, String checkpoint) {
    return ask(modelId, replyTo -> new BanditModel.Rollback(checkpoint, replyTo));
  }

  CompletionStage<LinUcbParameters> export(String modelId) {
    return ask(modelId, BanditModel.Export::new).thenApply(BanditModel.Exported::parameters);
  }

  CompletionStage<ModelStats> importParameters(String modelId, LinUcbParameters parameters) {
    return ask(modelId, replyTo -> new BanditModel.Import(parameters, replyTo));
  }

  CompletionStage<BanditModel.ConversionsRewarded> rewardConversions(String modelId, List<BanditModel.ConversionSeen> conversions) {
    return ask(modelId, replyTo -> new BanditModel.RewardConversions(conversions, replyTo));
  }

  /** The models of an organisation that ever were configured (segment models once first used). */
  CompletionStage<List<String>> modelsOf(String organizationId) {
    return sharding.entityRefFor(ModelDirectory.ENTITY_TYPE_KEY, organizationId)
        .<StatusReply<ModelDirectory.Models>>ask(ModelDirectory.ListModels::new, timeout)
        .thenCompose(reply -> reply.isSuccess() ? CompletableFuture.completedFuture(reply.getValue().modelIds())
            : CompletableFuture.failedFuture(reply.getError()));
  }

  private <T> CompletionStage<T> ask(String modelId, Function<ActorRef<StatusReply<T>>, BanditModel.Command> command) {
    return sharding.entityRefFor(BanditModel.ENTITY_TYPE_KEY, modelId).askWithStatus(command::apply, timeout);
  }
}
