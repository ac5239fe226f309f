package dev.beacon.backfill;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code beacon.import}: the largest import an HTTP request may carry (NDJSON as decoded, and the
 * body as sent), how many writes of one import may await Kafka's acknowledgement, and how many
 * refused lines an HTTP answer lists; the journeys' allowed lateness, against which an import
 * counts its rows out of order.
 */
public record ImportSettings(long maxBodySize, int maxInFlight, int maxListedRefusals, Duration allowedLateness) {
  public static ImportSettings from(Config c) {
    return new ImportSettings(c.getBytes("max-body-size"), c.getInt("max-in-flight"), c.getInt("max-listed-refusals"),
        c.getDuration("allowed-lateness"));
  }
}
