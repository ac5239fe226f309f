package dev.beacon.common;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What a log line is about, beside its message: JSON log lines carry it as fields
 * ({@code BEACON_LOG_FORMAT=json}); the plain text lines do not show it. The node, on every line
 * ({@link #node}); the topic and partition, as MDC fields, for the lines of code that runs on
 * whichever thread a stream gives it, around one log call:
 * {@code try (var logged = LogContext.partition(topic, partition)) { log.warn(…); }}.
 */
public final class LogContext implements AutoCloseable {
  public static final String NODE = "node";
  public static final String TOPIC = "topic";
  public static final String PARTITION = "partition";
  private final String[] keys;

  private LogContext(String... keys) {
    this.keys = keys;
  }

  /**
   * The node every line comes from from now on: its cluster address, {@code host:port}. Until it is
   * known, logback.xml names it from BEACON_CLUSTER_HOST and BEACON_CLUSTER_PORT.
   */
  public static void node(String hostPort) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) logback.putProperty(NODE, hostPort);
  }

  /** The topic and partition a line is about. */
  public static LogContext partition(String topic, int partition) {
    MDC.put(TOPIC, topic);
    MDC.put(PARTITION, Integer.toString(partition));
    return new LogContext(TOPIC, PARTITION);
  }

  /** The topic a line is about. */
  public static LogContext topic(String topic) {
    MDC.put(TOPIC, topic);
    return new LogContext(TOPIC);
  }

  @Override
  public void close() {
    for (var key : keys) MDC.remove(key);
  }
}
