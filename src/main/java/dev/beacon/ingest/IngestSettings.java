package dev.beacon.ingest;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code beacon.ingest}: micro-batch bounds, entity timeout and retry backoff of the stream. */
public record IngestSettings(
    boolean enabled,
    int batchSize,
    Duration batchWindow,
    int parallelism,
    Duration entityTimeout,
    Duration retryMinBackoff,
    Duration retryMaxBackoff) {

  public static IngestSettings from(Config c) {
    return new IngestSettings(
        c.getBoolean("enabled"),
        c.getInt("batch-size"),
        c.getDuration("batch-window"),
        c.getInt("parallelism"),
        c.getDuration("entity-timeout"),
        c.getDuration("retry-min-backoff"),
        c.getDuration("retry-max-backoff"));
  }
}
