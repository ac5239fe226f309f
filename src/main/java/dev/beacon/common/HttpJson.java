package dev.beacon.common;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON answers for every route, and the one mapping of failures to status codes: a rejection
 * naming something unknown → 404, other rejections → 400 with the reason, timeouts → 503,
 * anything else → 500, logged once.
 */
public final class HttpJson {
  private static final Logger log = LoggerFactory.getLogger(HttpJson.class);

  private HttpJson() {}

  public static Route ok(Object body) {
    return respond(StatusCodes.OK, body);
  }

  public static Route respond(StatusCode status, Object body) {
    return complete(status, body, Jackson.marshaller(Json.MAPPER));
  }

  /** {@code {"error": message, "reasons": [...]}} with the given status. */
  public static Route error(StatusCode status, String message, List<String> reasons) {
    var body = new LinkedHashMap<String, Object>();
    body.put("error", message);
    body.put("reasons", reasons);
    return respond(status, body);
  }

  /** The route for an asynchronous answer: {@code onSuccess} for a value, the mapping above otherwise. */
  public static <T> Route onAnswer(CompletionStage<T> answer, Function<T, Route> onSuccess) {
    return onComplete(answer, result -> result.isSuccess() ? onSuccess.apply(result.get()) : failure(result.failed().get()));
  }

  public static Route failure(Throwable error) {
    var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof StatusReply.ErrorMessage rejection) {
      var message = rejection.getMessage();
      var status = message.startsWith("unknown ") ? StatusCodes.NOT_FOUND : StatusCodes.BAD_REQUEST;
      return error(status, message, List.of(message));
    }
    if (cause instanceof TimeoutException || cause instanceof org.apache.pekko.pattern.AskTimeoutException) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, "timed out", List.of(cause.getMessage() == null ? "timeout" : cause.getMessage()));
    }
    log.error("Request failed", cause);
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error", List.of(cause.getClass().getSimpleName()));
  }
}
