package dev.beacon.common;

import java.util.Optional;

/**
 * A start that cannot succeed, said in the one line its user needs: what failed and what to do
 * about it (free a port, create a database, set a variable). The cause, when there is one, is
 * kept for the log; it is not meant for the user's screen.
 */
public final class StartupFailure extends RuntimeException {

  public StartupFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** The first throwable of {@code type} in the cause chain of {@code error}, itself included. */
  public static <T extends Throwable> Optional<T> cause(Throwable error, Class<T> type) {
    for (var e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (type.isInstance(e)) return Optional.of(type.cast(e));
    }
    return Optional.empty();
  }

  /** The first line of the innermost message in the chain: what a library said went wrong. */
  public static String rootReason(Throwable error) {
    String reason = error.toString();
    for (var e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e.getMessage() != null && !e.getMessage().isBlank()) reason = e.getMessage();
    }
    return reason.lines().findFirst().orElse(reason).strip();
  }
}
