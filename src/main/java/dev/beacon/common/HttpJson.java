package dev.beacon.common;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON answers for every route, and the one mapping of failures to status codes: each
 * {@link ApiError} to its status (bad input 400, no valid key 401 with a Bearer challenge, not
 * allowed 403, not found 404, conflict 409, too large 413, media type 415, over the rate limit
 * 429 with Retry-After, unavailable 503 with Retry-After when a retry helps), an entity's rejection no
 * feature typed → 400 with its reason, a timeout → 503, anything else → 500, logged once. Error
 * bodies are {@link ErrorBody}; none quotes a library's message or class.
 */
public final class HttpJson {
  private static final Logger log = LoggerFactory.getLogger(HttpJson.class);
  /** The realm of the Bearer challenge of a 401. */
  public static final String REALM = "beacon";
  private static final Duration TIMEOUT_RETRY_AFTER = Duration.ofSeconds(1);

  private HttpJson() {}

  /** Every error body: what went wrong and the reasons, field by field where there is a field. */
  public record ErrorBody(String error, List<String> reasons) {}

  public static Route ok(Object body) {
    return respond(StatusCodes.OK, body);
  }

  public static Route respond(StatusCode status, Object body) {
    return complete(status, body, Jackson.marshaller(Json.MAPPER));
  }

  /**
   * A small JSON request body, read whole within {@code maxBytes} (413 beyond) and {@code bodies}'
   * limits (400 with the reason when it is not JSON within them), handed to {@code inner}.
   */
  public static Route jsonBody(JsonInput bodies, long maxBytes, Function<JsonNode, Route> inner) {
    return withSizeLimit(maxBytes, () -> entity(Unmarshaller.entityToString(), text -> {
      try {
        return inner.apply(bodies.read(text));
      } catch (JsonInput.Unreadable e) {
        return refuse(new ApiError.BadRequest("bad request", List.of(e.reason())));
      }
    }));
  }

  /** The answer to a refused request. */
  public static Route refuse(ApiError error) {
    var body = new ErrorBody(error.getMessage(), error.reasons());
    if (error instanceof ApiError.Unauthorized u) {
      var params = u.invalidToken() ? Map.of("error", "invalid_token") : Map.<String, String>of();
      return respondWithHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", REALM, params)),
          () -> respond(StatusCodes.UNAUTHORIZED, body));
    }
    if (error instanceof ApiError.TooManyRequests t) {
      return respondWithHeader(RetryAfter.create(Math.max(1, t.retryAfter().toSeconds())),
          () -> respond(StatusCodes.TOO_MANY_REQUESTS, body));
    }
    if (error instanceof ApiError.Unavailable u && u.retryAfter().isPresent()) {
      return respondWithHeader(RetryAfter.create(u.retryAfter().get().toSeconds()), () -> respond(statusOf(error), body));
    }
    return respond(statusOf(error), body);
  }

  private static StatusCode statusOf(ApiError error) {
    if (error instanceof ApiError.BadRequest) return StatusCodes.BAD_REQUEST;
    if (error instanceof ApiError.Forbidden) return StatusCodes.FORBIDDEN;
    if (error instanceof ApiError.NotFound) return StatusCodes.NOT_FOUND;
    if (error instanceof ApiError.Conflict) return StatusCodes.CONFLICT;
    if (error instanceof ApiError.TooLarge) return StatusCodes.PAYLOAD_TOO_LARGE;
    if (error instanceof ApiError.UnsupportedMediaType) return StatusCodes.UNSUPPORTED_MEDIA_TYPE;
    if (error instanceof ApiError.Unavailable) return StatusCodes.SERVICE_UNAVAILABLE;
    throw new IllegalStateException("no status for " + error.getClass());
  }

  /** The route for an asynchronous answer: {@code onSuccess} for a value, the mapping above otherwise. */
  public static <T> Route onAnswer(CompletionStage<T> answer, Function<T, Route> onSuccess) {
    return onComplete(answer, result -> result.isSuccess() ? onSuccess.apply(result.get()) : failure(result.failed().get()));
  }

  public static Route failure(Throwable error) {
    var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ApiError typed) return refuse(typed);
    if (cause instanceof StatusReply.ErrorMessage rejection) {
      return refuse(new ApiError.BadRequest(rejection.getMessage(), List.of(rejection.getMessage())));
    }
    if (cause instanceof TimeoutException || cause instanceof org.apache.pekko.pattern.AskTimeoutException) {
      log.warn("No answer in time: {}", cause.toString());
      return refuse(new ApiError.Unavailable("timed out", List.of("no answer in time: try again"), TIMEOUT_RETRY_AFTER));
    }
    log.error("Request failed", cause);
    return respond(StatusCodes.INTERNAL_SERVER_ERROR,
        new ErrorBody("internal error", List.of("unexpected failure: the server log has the details")));
  }
}
