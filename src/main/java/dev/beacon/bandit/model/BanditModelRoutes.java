package dev.beacon.bandit.model;

import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.bandit.context.ContextFeatures;
import dev.beacon.bandit.context.CustomerProfile;
import dev.beacon.behaviour.Segments;
import dev.beacon.common.ApiError;
import dev.beacon.common.HttpJson;
import dev.beacon.common.JsonInput;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * The model API under {@code /api/models/{id}}. Scopes, in the model's organisation: {@code read}
 * for every GET (stats, checkpoints, export); {@code ingest} for decide and reward, the calls a
 * site's backend makes with the key it sends events with (they write the decision log and teach
 * the model, so a read key, which a browser may hold, cannot); {@code admin} for what changes the
 * model as a whole: configure, rollback, import. The organisation comes from the body for a
 * configure and from the model for the rest (an unknown model is 404 before the key's organisation
 * is checked). Bad input 400 with reasons by field; unknown decision 404; a second reward 409; a
 * model of another organisation cannot be configured (409).
 *
 * <p>An organisation's segment models are {@code /api/models/{segment}@{organization}}; they
 * exist from the start ({@link SegmentModelId}). {@code POST /api/models/segment@{organization}/decide
 * {userId}} decides with the model of the user's segment, and names it in the answer. A decision
 * for a {@code userId} without features is made on the context built from the user's journey.
 *
 * <p>The id {@code evaluate} is reserved (400, whatever the method): {@code POST
 * /api/models/evaluate} is the offline evaluation, whose route comes first.
 */
final class BanditModelRoutes extends AllDirectives {
  static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final JsonInput BODIES = new JsonInput(8, MAX_BODY_BYTES, MAX_BODY_BYTES, false);
  private final BanditModels models;
  private final Access access;
  private final Pattern organizationIdPattern;
  private final long maxImportSize;
  private final JsonInput imports;
  private final UserProfiles profiles;
  private final Segments segments;
  private final Clock clock;

  BanditModelRoutes(BanditModels models, Access access, Pattern organizationIdPattern, long maxImportSize, UserProfiles profiles,
      Segments segments, Clock clock) {
    this.models = models;
    this.access = access;
    this.organizationIdPattern = organizationIdPattern;
    this.maxImportSize = maxImportSize;
    this.imports = new JsonInput(8, 1024, maxImportSize, false);
    this.profiles = profiles;
    this.segments = segments;
    this.clock = clock;
  }

  public Route routes() {
    return pathPrefix("api", () -> pathPrefix(PathMatchers.segment("models").slash(PathMatchers.segment()), modelId -> {
      var problem = modelIdProblem(modelId);
      if (problem != null) return refuse(new ApiError.BadRequest("bad model id", List.of(problem)));
      if (modelId.startsWith(SegmentModelId.CHOOSER + SegmentModelId.SEPARATOR)) {
        var organizationId = modelId.substring(SegmentModelId.CHOOSER.length() + 1);
        return concat(
            path("decide", () -> post(() -> access.allow(Scope.INGEST, organizationId, () -> decideInSegment(organizationId)))),
            refuse(new ApiError.BadRequest("not a model", List.of("modelId: " + modelId + " only decides (POST " + modelId
                + "/decide); the segment models are <segment>@" + organizationId + " for " + String.join(", ", segments.names())))));
      }
      if (modelId.equals(EvaluateRoutes.SEGMENT)) {
        return refuse(new ApiError.BadRequest("bad model id", List.of("modelId: '" + EvaluateRoutes.SEGMENT + "' is reserved: "
            + "POST /api/models/" + EvaluateRoutes.SEGMENT + " evaluates a policy on a logged-bandit file; name the model otherwise")));
      }
      return concat(
          pathEnd(() -> concat(
              put(() -> configure(modelId)),
              get(() -> owned(modelId, Scope.READ, () -> answer(models.stats(modelId), modelId, HttpJson::ok))))),
          path("decide", () -> post(() -> answer(models.organizationOf(modelId), modelId,
              organizationId -> access.allow(Scope.INGEST, organizationId, () -> decide(modelId, organizationId))))),
          path("reward", () -> post(() -> owned(modelId, Scope.INGEST, () -> reward(modelId)))),
          path("checkpoints", () -> get(() -> owned(modelId, Scope.READ,
              () -> answer(models.checkpoints(modelId), modelId, HttpJson::ok)))),
          path("rollback", () -> post(() -> owned(modelId, Scope.ADMIN, () -> rollback(modelId)))),
          path("export", () -> get(() -> owned(modelId, Scope.READ,
              () -> answer(models.export(modelId), modelId, HttpJson::ok)))),
          path("import", () -> put(() -> owned(modelId, Scope.ADMIN, () -> importParameters(modelId)))));
    }));
  }

  /** Why {@code modelId} is not a model's id, or null: a plain id, or {@code segment@organization}. */
  private String modelIdProblem(String modelId) {
    var at = modelId.indexOf(SegmentModelId.SEPARATOR);
    if (at < 0) return MODEL_ID.matcher(modelId).matches() ? null : "modelId: must match " + MODEL_ID.pattern()
        + ", or be <segment>@<organization>";
    var segment = modelId.substring(0, at);
    var organizationId = modelId.substring(at + 1);
    if (!segment.equals(SegmentModelId.CHOOSER) && !segments.names().contains(segment)) {
      return "modelId: before '@' comes a segment (" + String.join(", ", segments.names()) + ") or '" + SegmentModelId.CHOOSER
          + "', got '" + segment + "'";
    }
    if (!organizationIdPattern.matcher(organizationId).matches()) {
      return "modelId: after '@' comes an organization id matching " + organizationIdPattern.pattern();
    }
    return null;
  }

  /** {@code inner} once the caller may use {@code scope} in the model's organisation; 404 for an unknown model. */
  private Route owned(String modelId, Scope scope, Supplier<Route> inner) {
    return answer(models.organizationOf(modelId), modelId, organizationId -> access.allow(scope, organizationId, inner));
  }

  private Route configure(String modelId) {
    return HttpJson.jsonBody(BODIES, MAX_BODY_BYTES, body -> {
      var checked = ModelRequests.configuration(body, organizationIdPattern);
      if (!checked.valid()) return refuse(new ApiError.BadRequest("invalid model configuration", checked.reasons()));
      var configuration = checked.request();
      return access.allow(Scope.ADMIN, configuration.organizationId(), () -> answer(models.configure(modelId, configuration), modelId,
          done -> done.created() ? respond(StatusCodes.CREATED, done.stats()) : ok(done.stats())));
    });
  }

  private Route decide(String modelId, String organizationId) {
    return body(ModelRequests::decide, "invalid decision request", request -> {
      if (!request.fromJourney()) return answer(models.decide(modelId, request), modelId, HttpJson::ok);
      return answer(context(organizationId, request).thenCompose(profile -> models.decideForUser(modelId, request.userId(),
          ContextFeatures.of(profile, clock.millis()))), modelId, HttpJson::ok);
    });
  }

  /** The model of the user's segment decides, on the context built from the user's journey. */
  private Route decideInSegment(String organizationId) {
    return body(ModelRequests::decide, "invalid decision request", request -> {
      if (!request.fromJourney()) {
        return refuse(new ApiError.BadRequest("invalid decision request", List.of("features: the segment's model decides on the "
            + "user's journey; send {userId} alone, or decide with features on <segment>@" + organizationId)));
      }
      var decided = context(organizationId, request).thenCompose(profile -> {
        var now = clock.millis();
        var modelId = new SegmentModelId(segments.segmentOf(profile.history(), now), organizationId).modelId();
        return models.decideForUser(modelId, request.userId(), ContextFeatures.of(profile, now))
            .thenApply(d -> new SegmentDecision(modelId, segments.segmentOf(profile.history(), now), d.decisionId(), d.arm(), d.propensity(),
                d.scores(), d.modelVersion()));
      });
      return answer(decided, SegmentModelId.CHOOSER + SegmentModelId.SEPARATOR + organizationId, HttpJson::ok);
    });
  }

  /** A decision by the model of the user's segment, which it names. */
  record SegmentDecision(String modelId, String segment, String decisionId, String arm, double propensity, Map<String, Double> scores,
      long modelVersion) {}

  /** The user's profile from their journey (someone never seen: nothing known), with the visit's device and channel when given. */
  private CompletionStage<CustomerProfile> context(String organizationId, ModelRequests.Decide request) {
    return profiles.of(organizationId, request.userId()).thenApply(known -> {
      var p = known.orElse(CustomerProfile.unknown(null, null));
      return new CustomerProfile(p.purchases(), p.totalSpent(), p.firstPurchaseMillis(), p.lastPurchaseMillis(), p.sessions(),
          p.engagedSessions(), p.pageViews(), request.deviceType() != null ? request.deviceType() : p.deviceType(),
          request.channel() != null ? request.channel() : p.channel());
    });
  }

  private Route reward(String modelId) {
    return body(ModelRequests::reward, "invalid reward",
        request -> answer(models.reward(modelId, request), modelId, HttpJson::ok));
  }

  private Route rollback(String modelId) {
    return body(ModelRequests::rollback, "invalid rollback",
        checkpoint -> answer(models.rollback(modelId, checkpoint), modelId, HttpJson::ok));
  }

  private Route importParameters(String modelId) {
    return HttpJson.jsonBody(imports, maxImportSize, body -> {
      var checked = ModelRequests.parameters(body);
      if (!checked.valid()) return refuse(new ApiError.BadRequest("invalid parameters", checked.reasons()));
      return answer(models.importParameters(modelId, checked.request()), modelId, HttpJson::ok);
    });
  }

  private <T> Route body(Function<JsonNode, ModelRequests.Checked<T>> read, String invalid, Function<T, Route> inner) {
    return HttpJson.jsonBody(BODIES, MAX_BODY_BYTES, body -> {
      var checked = read.apply(body);
      if (!checked.valid()) return refuse(new ApiError.BadRequest(invalid, checked.reasons()));
      return inner.apply(checked.request());
    });
  }

  /** The entity's answer, its rejections typed: unknown model or decision 404, second reward and another organisation 409, the rest 400. */
  private static <T> Route answer(CompletionStage<T> answer, String modelId, Function<T, Route> onSuccess) {
    return onAnswer(answer.exceptionally(error -> {
      var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (!(cause instanceof StatusReply.ErrorMessage rejection)) {
        throw error instanceof CompletionException c ? c : new CompletionException(error);
      }
      throw switch (rejection.getMessage()) {
        case BanditModel.UNKNOWN_MODEL -> new ApiError.NotFound("unknown model " + modelId);
        case BanditModel.UNKNOWN_DECISION -> new ApiError.NotFound("unknown decision: model " + modelId + " made no such decision");
        case BanditModel.ALREADY_REWARDED -> new ApiError.Conflict("decision already rewarded",
            List.of("decisionId: the decision had its reward; a decision learns one reward"));
        case BanditModel.OTHER_ORGANIZATION -> new ApiError.Conflict("model of another organization",
            List.of("organizationId: model " + modelId + " belongs to another organization; it cannot change"));
        default -> new ApiError.BadRequest("rejected by model " + modelId, List.of(rejection.getMessage()));
      };
    }), onSuccess);
  }
}
