package dev.beacon.common;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code beacon.http}: where the API listens and whether over HTTPS, the largest request body and
 * batch the ingest endpoints take, and how long a route waits for an entity's answer.
 */
public record HttpSettings(String host, int port, long maxBodySize, int maxBatch, Duration askTimeout, TlsSettings tls) {
  public static HttpSettings from(Config c) {
    return new HttpSettings(c.getString("host"), c.getInt("port"), c.getBytes("max-body-size"), c.getInt("max-batch"),
        c.getDuration("ask-timeout"), TlsSettings.from(c.getConfig("tls")));
  }
}
