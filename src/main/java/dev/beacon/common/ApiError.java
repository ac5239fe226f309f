package dev.beacon.common;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.pattern.StatusReply;

/**
 * Why a request is refused, as a type: {@link HttpJson} maps each kind to its status code in one
 * place. A route refuses with {@code HttpJson.refuse(...)}; an asynchronous answer fails with one
 * of these. Each carries the message and the field-level reasons of the error body. No stack
 * trace: these are answers, not faults.
 */
public abstract sealed class ApiError extends RuntimeException {
  private final List<String> reasons;

  private ApiError(String message, List<String> reasons) {
    super(message, null, false, false);
    this.reasons = List.copyOf(reasons);
  }

  public List<String> reasons() {
    return reasons;
  }

  /** The request is bad input: each reason names its field ({@code "field: reason"}). */
  public static final class BadRequest extends ApiError {
    public BadRequest(String message, List<String> reasons) {
      super(message, reasons);
    }
  }

  /**
   * No key, or one that is not (or no longer) a key: 401 with a Bearer challenge;
   * {@code invalidToken} says a key was given and is not valid (RFC 6750's {@code invalid_token}).
   */
  public static final class Unauthorized extends ApiError {
    private final boolean invalidToken;

    public Unauthorized(String reason, boolean invalidToken) {
      super("unauthorized", List.of(reason));
      this.invalidToken = invalidToken;
    }

    public boolean invalidToken() {
      return invalidToken;
    }
  }

  /** A valid key that may not do this: another organisation's, or without the scope. */
  public static final class Forbidden extends ApiError {
    public Forbidden(String reason) {
      super("forbidden", List.of(reason));
    }
  }

  /** The key spent its rate limit: the client may retry after {@code retryAfter}. */
  public static final class TooManyRequests extends ApiError {
    private final Duration retryAfter;

    public TooManyRequests(String reason, Duration retryAfter) {
      super("too many requests", List.of(reason));
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** What the request names does not exist (an unknown campaign, organisation, user). */
  public static final class NotFound extends ApiError {
    public NotFound(String message) {
      super(message, List.of(message));
    }
  }

  /** The request contradicts the state it would change. */
  public static final class Conflict extends ApiError {
    public Conflict(String message, List<String> reasons) {
      super(message, reasons);
    }
  }

  /** The request is larger than allowed. */
  public static final class TooLarge extends ApiError {
    public TooLarge(String reason) {
      super("request too large", List.of(reason));
    }
  }

  /** The body is not of a media type the route reads. */
  public static final class UnsupportedMediaType extends ApiError {
    public UnsupportedMediaType(String reason) {
      super("unsupported content type", List.of(reason));
    }
  }

  /** Beacon cannot answer now (no answer in time, Kafka not acknowledging): the client may retry. */
  public static final class Unavailable extends ApiError {
    private final Duration retryAfter;

    public Unavailable(String message, List<String> reasons, Duration retryAfter) {
      super(message, reasons);
      this.retryAfter = retryAfter;
    }

    /** When a retry makes sense, if it does. */
    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }
  }

  /**
   * The answer with an entity's rejection {@code rejection} (its exact {@code StatusReply.error}
   * text) turned into a typed error; other rejections and failures pass unchanged.
   */
  public static <T> CompletionStage<T> whenRejected(CompletionStage<T> answer, String rejection,
      Function<String, ApiError> as) {
    return answer.exceptionally(error -> {
      var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof StatusReply.ErrorMessage m && rejection.equals(m.getMessage())) throw as.apply(rejection);
      throw error instanceof CompletionException c ? c : new CompletionException(error);
    });
  }
}
