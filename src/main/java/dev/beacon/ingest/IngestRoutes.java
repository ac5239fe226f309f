package dev.beacon.ingest;

import static dev.beacon.common.HttpJson.error;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.respond;

import dev.beacon.common.HttpJson;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/**
 * {@code POST /api/analytics/real-time} and {@code POST /api/campaigns/{id}/analytics/real-time}
 * (events in: 202 once Kafka acknowledged them; 400, 413, 415 for whole-request problems; 503
 * with Retry-After while Kafka acknowledges no write), and
 * {@code GET /api/analytics/real-time} (pipeline status).
 */
final class IngestRoutes extends AllDirectives {
  private static final long READ_TIMEOUT_MILLIS = 10_000;
  private static final long RETRY_AFTER_SECONDS = 1;
  private final HttpIntake intake;
  private final PipelineStatus status;
  private final long maxBodyBytes;
  private final Materializer materializer;

  public IngestRoutes(HttpIntake intake, PipelineStatus status, long maxBodyBytes, Materializer materializer) {
    this.intake = intake;
    this.status = status;
    this.maxBodyBytes = maxBodyBytes;
    this.materializer = materializer;
  }

  public Route routes() {
    return pathPrefix("api", () -> concat(
        path(PathMatchers.segment("analytics").slash("real-time"), () -> concat(
            post(() -> ingest(null)),
            get(() -> onAnswer(CompletableFuture.supplyAsync(status::status), HttpJson::ok)))),
        path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("analytics").slash("real-time"),
            campaignId -> post(() -> ingest(campaignId)))));
  }

  private Route ingest(String campaignId) {
    return extractRequestEntity(entity -> {
      var mediaType = entity.getContentType().mediaType();
      if (!mediaType.equals(MediaTypes.APPLICATION_JSON) && !mediaType.subType().endsWith("+json")) {
        return error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported content type",
            List.of("Content-Type: must be application/json, got " + mediaType));
      }
      var length = entity.getContentLengthOption();
      if (length.isPresent() && length.getAsLong() > maxBodyBytes) return tooLarge(length.getAsLong() + " bytes");
      return withSizeLimit(maxBodyBytes, () -> onComplete(read(entity), body -> {
        if (body.isFailure()) {
          return body.failed().get() instanceof EntityStreamSizeException ? tooLarge("more bytes")
              : error(StatusCodes.BAD_REQUEST, "unreadable body", List.of("body: " + body.failed().get().getMessage()));
        }
        return onAnswer(intake.accept(body.get(), campaignId), this::answer);
      }));
    });
  }

  private CompletionStage<byte[]> read(HttpEntity entity) {
    return entity.toStrict(READ_TIMEOUT_MILLIS, maxBodyBytes, materializer)
        .thenApply(strict -> strict.getData().toArray());
  }

  private Route tooLarge(String size) {
    return error(StatusCodes.PAYLOAD_TOO_LARGE, "request too large",
        List.of("body: " + size + ", at most " + maxBodyBytes + " bytes"));
  }

  private Route answer(HttpIntake.Outcome outcome) {
    if (outcome instanceof HttpIntake.Accepted a) {
      var body = Map.of("accepted", a.accepted(), "rejected", a.rejected());
      // Nothing accepted and something refused: the request as a whole was bad input.
      var status = a.accepted() == 0 && !a.rejected().isEmpty() ? StatusCodes.BAD_REQUEST : StatusCodes.ACCEPTED;
      return respond(status, body);
    }
    if (outcome instanceof HttpIntake.TooLarge t) {
      return error(StatusCodes.PAYLOAD_TOO_LARGE, "request too large", List.of(t.reason()));
    }
    if (outcome instanceof HttpIntake.Unavailable u) {
      return respondWithHeader(RetryAfter.create(RETRY_AFTER_SECONDS),
          () -> error(StatusCodes.SERVICE_UNAVAILABLE, "Kafka unavailable: events not accepted", List.of(u.reason())));
    }
    var bad = (HttpIntake.BadRequest) outcome;
    return error(StatusCodes.BAD_REQUEST, "bad request", bad.reasons());
  }
}
