package dev.beacon.ingest;

import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import dev.beacon.common.ApiError;
import dev.beacon.common.HttpJson;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/analytics/real-time} and {@code POST /api/campaigns/{id}/analytics/real-time}
 * (events in: 202 once Kafka acknowledged them; 400, 413, 415 for whole-request problems; 503
 * with Retry-After while Kafka acknowledges no write), and
 * {@code GET /api/analytics/real-time} (pipeline status, which spans organisations). With an
 * organisation's {@code ingest} key, an event of another organisation is refused on its own and
 * an event without one takes the key's.
 */
final class IngestRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);
  private static final long READ_TIMEOUT_MILLIS = 10_000;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private final HttpIntake intake;
  private final PipelineStatus status;
  private final long maxBodyBytes;
  private final Materializer materializer;
  private final Access access;

  public IngestRoutes(HttpIntake intake, PipelineStatus status, long maxBodyBytes, Materializer materializer, Access access) {
    this.intake = intake;
    this.status = status;
    this.maxBodyBytes = maxBodyBytes;
    this.materializer = materializer;
    this.access = access;
  }

  public Route routes() {
    return pathPrefix("api", () -> concat(
        path(PathMatchers.segment("analytics").slash("real-time"), () -> concat(
            post(() -> access.ingest(org -> ingest(null, org))),
            get(() -> access.allowEveryOrganization(Scope.READ,
                () -> onAnswer(CompletableFuture.supplyAsync(status::status), HttpJson::ok))))),
        path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("analytics").slash("real-time"),
            campaignId -> post(() -> access.ingest(org -> ingest(campaignId, org))))));
  }

  /** {@code organizationId}: the organisation of the caller's key, which every event must belong to; null for any. */
  private Route ingest(String campaignId, String organizationId) {
    return extractRequestEntity(entity -> {
      var mediaType = entity.getContentType().mediaType();
      if (!mediaType.equals(MediaTypes.APPLICATION_JSON) && !mediaType.subType().endsWith("+json")) {
        return refuse(new ApiError.UnsupportedMediaType("Content-Type: must be application/json, got " + mediaType));
      }
      var length = entity.getContentLengthOption();
      if (length.isPresent() && length.getAsLong() > maxBodyBytes) return tooLarge(length.getAsLong() + " bytes");
      return withSizeLimit(maxBodyBytes, () -> onComplete(read(entity), body -> {
        if (body.isFailure()) return unreadable(body.failed().get());
        return onAnswer(intake.accept(body.get(), campaignId, organizationId), this::answer);
      }));
    });
  }

  private CompletionStage<byte[]> read(HttpEntity entity) {
    return entity.toStrict(READ_TIMEOUT_MILLIS, maxBodyBytes, materializer)
        .thenApply(strict -> strict.getData().toArray());
  }

  private Route tooLarge(String size) {
    return refuse(new ApiError.TooLarge("body: " + size + ", at most " + maxBodyBytes + " bytes"));
  }

  /** The body did not arrive whole; what the stream library says stays in the log. */
  private Route unreadable(Throwable failure) {
    if (failure instanceof EntityStreamSizeException) return tooLarge("more bytes");
    log.debug("Request body not read: {}", failure.toString());
    var reason = failure instanceof TimeoutException ? "body: not received within " + READ_TIMEOUT_MILLIS / 1000 + " s"
        : "body: could not be read to its end";
    return refuse(new ApiError.BadRequest("unreadable body", List.of(reason)));
  }

  private Route answer(HttpIntake.Outcome outcome) {
    if (outcome instanceof HttpIntake.Accepted a) {
      // Nothing accepted and something refused: the request as a whole was bad input.
      var status = a.accepted() == 0 && !a.rejected().isEmpty() ? StatusCodes.BAD_REQUEST : StatusCodes.ACCEPTED;
      return respond(status, a);
    }
    if (outcome instanceof HttpIntake.TooLarge t) return refuse(new ApiError.TooLarge(t.reason()));
    if (outcome instanceof HttpIntake.Unavailable u) {
      return refuse(new ApiError.Unavailable("Kafka unavailable: events not accepted", List.of(u.reason()), RETRY_AFTER));
    }
    var bad = (HttpIntake.BadRequest) outcome;
    return refuse(new ApiError.BadRequest("bad request", bad.reasons()));
  }
}
