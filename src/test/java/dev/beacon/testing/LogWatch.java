package dev.beacon.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/** Watches what is logged, for a test waiting on something it can only see in the log. */
public final class LogWatch implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogWatch() {
    appender.start();
    root.addAppender(appender);
  }

  /** Waits for {@code times} lines (message or exception) that contain every one of {@code parts}. */
  public void await(Duration atMost, int times, String... parts) {
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
      synchronized (appender) {
        return appender.list.stream().filter(e -> containsAll(text(e), parts)).count() >= times;
      }
    });
  }

  private static String text(ILoggingEvent e) {
    var proxy = e.getThrowableProxy();
    return e.getFormattedMessage() + (proxy == null ? "" : " " + proxy.getMessage());
  }

  private static boolean containsAll(String text, String[] parts) {
    for (var part : parts) if (!text.contains(part)) return false;
    return true;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
