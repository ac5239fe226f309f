package dev.beacon.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.StartupFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code beacon.security} read into its settings: where the admin key comes from, what is refused, the bind rule. */
class SecuritySettingsTest {
  private static final String KEY = "0123456789abcdef0123456789abcdef";
  @TempDir Path dir;

  private static Config block(String text) {
    return ConfigFactory.parseString(text)
        .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.security"));
  }

  @Test
  void withoutAnAdminKeyNoKeyIsRequiredAndTheDefaultsApply() {
    var settings = SecuritySettings.from(block("admin-key = \"\", admin-key-file = \"\""));
    assertThat(settings.keysRequired()).isFalse();
    assertThat(settings.keyCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.rateLimits().get(Scope.READ)).isEqualTo(new SecuritySettings.RateLimit(50, 100));
    assertThat(settings.rateLimits()).containsOnlyKeys(Scope.values());
  }

  @Test
  void theAdminKeyComesFromTheSettingOrFromTheFileItNamesTrimmed() throws Exception {
    var inline = SecuritySettings.from(block("admin-key = \"" + KEY + "\""));
    assertThat(inline.adminKey()).isEqualTo(KEY);
    assertThat(inline.adminKeySource()).isEqualTo("BEACON_ADMIN_KEY");
    var file = Files.writeString(dir.resolve("key"), "  " + KEY + "\n");
    var fromFile = SecuritySettings.from(block("admin-key-file = \"" + file + "\""));
    assertThat(fromFile.adminKey()).isEqualTo(KEY);
    assertThat(fromFile.adminKeySource()).isEqualTo("BEACON_ADMIN_KEY_FILE " + file);
    assertThat(fromFile.toString()).doesNotContain(KEY).contains("BEACON_ADMIN_KEY_FILE");
  }

  @Test
  void anAdminKeySetTwiceTooShortOrUnreadableIsAStartupFailure() {
    var file = dir.resolve("missing");
    assertThatThrownBy(() -> SecuritySettings.from(block("admin-key = \"" + KEY + "\", admin-key-file = \"" + file + "\"")))
        .isInstanceOf(StartupFailure.class).hasMessageContaining("set twice");
    assertThatThrownBy(() -> SecuritySettings.from(block("admin-key = \"short\"")))
        .isInstanceOf(StartupFailure.class).hasMessageContaining("at least 24 characters").hasMessageNotContaining("short\"");
    assertThatThrownBy(() -> SecuritySettings.from(block("admin-key = \"" + KEY + " " + KEY + "\"")))
        .isInstanceOf(StartupFailure.class).hasMessageContaining("without spaces");
    assertThatThrownBy(() -> SecuritySettings.from(block("admin-key-file = \"" + file + "\"")))
        .isInstanceOf(StartupFailure.class).hasMessageContaining("admin key file " + file).hasMessageContaining("cannot be read");
  }

  @Test
  void aRateLimitBelowOneIsAStartupFailureAndABurstBelowTheRateIsRaisedToIt() {
    assertThatThrownBy(() -> SecuritySettings.from(block("rate-limits.read.per-second = 0")))
        .isInstanceOf(StartupFailure.class).hasMessageContaining("rate-limits.read");
    var raised = SecuritySettings.from(block("rate-limits.ingest { per-second = 30, burst = 5 }"));
    assertThat(raised.rateLimits().get(Scope.INGEST)).isEqualTo(new SecuritySettings.RateLimit(30, 30));
  }

  @Test
  void withoutAnAdminKeyOnlyLoopbackAddressesMayBeBound() {
    var open = SecuritySettings.from(block("admin-key = \"\""));
    open.checkBind("127.0.0.1");
    open.checkBind("localhost");
    open.checkBind("::1");
    assertThatThrownBy(() -> open.checkBind("0.0.0.0")).isInstanceOf(StartupFailure.class)
        .hasMessageStartingWith("HTTP on 0.0.0.0 (BEACON_HTTP_HOST) needs an admin key");
    assertThatThrownBy(() -> open.checkBind("192.0.2.7")).isInstanceOf(StartupFailure.class);
    var keyed = SecuritySettings.from(block("admin-key = \"" + KEY + "\""));
    keyed.checkBind("0.0.0.0");
  }
}
