package dev.beacon.common;

import com.typesafe.config.Config;

/**
 * {@code beacon.http.tls}: the keystore the HTTP API serves HTTPS from. No keystore (the default)
 * means plain HTTP, as behind an ingress that terminates TLS. The password comes from the
 * environment and is left out of {@link #toString()}, so the settings can be logged.
 */
public record TlsSettings(String keystore, String keystorePassword, String keystoreType) {
  public static TlsSettings from(Config c) {
    return new TlsSettings(c.getString("keystore"), c.getString("keystore-password"), c.getString("keystore-type"));
  }

  public boolean enabled() {
    return !keystore.isBlank();
  }

  @Override
  public String toString() {
    return "TlsSettings[keystore=" + keystore + ", keystoreType=" + keystoreType + "]";
  }
}
