package dev.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.common.StartupFailure;
import dev.beacon.testing.ServerProcess;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a keystore made by the JDK's keytool, checked with curl: the API answers over HTTPS to
 * a client that trusts the certificate, and neither to one that does not nor to plain HTTP on the
 * same port. A keystore that cannot be used stops the start with one line naming it and why.
 */
class HttpsTest {
  private static final String PASSWORD = "keystore-secret";
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();
  @TempDir static Path keys;
  static Path keystore;
  static Path certificate;

  /** A PKCS12 keystore with a self-signed EC key for localhost and 127.0.0.1, and its certificate as PEM. */
  @BeforeAll
  static void makeKeystore() throws Exception {
    keystore = keys.resolve("beacon.p12");
    certificate = keys.resolve("beacon.pem");
    var keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "beacon", "-keyalg", "EC", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD).assertSucceeded();
    run(keytool, "-exportcert", "-rfc", "-alias", "beacon", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", certificate.toString()).assertSucceeded();
  }

  private BeaconServer start(Path dir, String tls) {
    return broker.start(TestServers.config(dir, broker.kafka().bootstrapServers(), TestDatabase.h2(dir),
        "https-" + UUID.randomUUID(), tls));
  }

  private static String tls(Path keystore, String password) {
    return "beacon.http.tls.keystore = \"" + keystore + "\"\nbeacon.http.tls.keystore-password = \"" + password + "\"\n";
  }

  @Test
  void withAKeystoreTheApiAnswersOverHttpsOnlyToClientsThatTrustItsCertificate(@TempDir Path dir) throws Exception {
    var port = start(dir, tls(keystore, PASSWORD)).httpPort();

    var trusted = curl("--cacert", certificate.toString(), "https://127.0.0.1:" + port + "/metrics");
    assertThat(trusted.output()).as(trusted.toString()).isEqualTo("200");
    assertThat(trusted.status()).isZero();
    // curl's 60: the peer's certificate cannot be verified with the known CA certificates
    assertThat(curl("https://127.0.0.1:" + port + "/metrics").status()).isEqualTo(60);
    var plain = curl("http://127.0.0.1:" + port + "/metrics");
    assertThat(plain.status()).as(plain.toString()).isNotZero();
    assertThat(plain.output()).isEqualTo("000");
  }

  @Test
  void withoutAKeystoreTheApiAnswersPlainHttp(@TempDir Path dir) throws Exception {
    var port = start(dir, "").httpPort();

    assertThat(curl("http://127.0.0.1:" + port + "/metrics").output()).isEqualTo("200");
    assertThat(curl("--cacert", certificate.toString(), "https://127.0.0.1:" + port + "/metrics").status()).isNotZero();
  }

  @Test
  void aMissingKeystoreStopsTheStartNamingIt(@TempDir Path dir) {
    var missing = dir.resolve("nowhere.p12");

    assertThatThrownBy(() -> start(dir, tls(missing, PASSWORD)))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("HTTPS keystore " + missing + " (BEACON_HTTP_TLS_KEYSTORE) cannot be read: no such file");
  }

  @Test
  void aKeystoreThatIsNotOneStopsTheStart(@TempDir Path dir) {
    // the certificate alone, as PEM: not a PKCS12 keystore, and no private key either way
    assertThatThrownBy(() -> start(dir, tls(certificate, PASSWORD)))
        .isInstanceOf(StartupFailure.class)
        .hasMessageStartingWith("HTTPS keystore " + certificate + " (BEACON_HTTP_TLS_KEYSTORE) cannot be used: "
            + "not a PKCS12 keystore (");
  }

  @Test
  void anUnknownKeystoreTypeStopsTheStart(@TempDir Path dir) {
    assertThatThrownBy(() -> start(dir, tls(keystore, PASSWORD) + "beacon.http.tls.keystore-type = PKCS13\n"))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("HTTPS keystore " + keystore + " (BEACON_HTTP_TLS_KEYSTORE) cannot be used: this Java knows no "
            + "keystore type PKCS13 (BEACON_HTTP_TLS_KEYSTORE_TYPE)");
  }

  @Test
  void aKeystoreWithoutPrivateKeyStopsTheStart(@TempDir Path dir) throws Exception {
    var truststore = dir.resolve("trust.p12");
    run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
        "-alias", "beacon", "-file", certificate.toString(), "-storetype", "PKCS12", "-keystore", truststore.toString(),
        "-storepass", PASSWORD).assertSucceeded();

    assertThatThrownBy(() -> start(dir, tls(truststore, PASSWORD)))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("HTTPS keystore " + truststore
            + " (BEACON_HTTP_TLS_KEYSTORE) cannot be used: it holds no private key, only certificates");
  }

  /** As an operator runs it: the variables, exit status 1 and the one line on stderr. */
  @Test
  void aWrongPasswordStopsTheProcessWithOneLine(@TempDir Path dir) {
    try (var process = ServerProcess.start(dir.resolve("logs"), Map.of("BEACON_DATA_DIR", dir.resolve("data").toString(),
        "BEACON_HTTP_TLS_KEYSTORE", keystore.toString(), "BEACON_HTTP_TLS_KEYSTORE_PASSWORD", "not-the-password"), "serve")) {
      assertThat(process.awaitExit(Duration.ofSeconds(60))).as(process.stdout()).hasValue(1);
      assertThat(process.stderr()).isEqualTo("Beacon cannot start: HTTPS keystore " + keystore
          + " (BEACON_HTTP_TLS_KEYSTORE) cannot be used: wrong password (BEACON_HTTP_TLS_KEYSTORE_PASSWORD)"
          + System.lineSeparator());
      // refused before anything started: no broker was formatted under the data directory
      assertThat(dir.resolve("data").resolve("kafka")).doesNotExist();
    }
  }

  /** A command's exit status and its output (stdout and stderr together). */
  private record Run(int status, String output) {
    void assertSucceeded() {
      assertThat(status).as(output).isZero();
    }
  }

  /** curl with a timeout, printing only the status code of the answer ("000" when there is none). */
  private static Run curl(String... args) throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}"));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("curl ended").isTrue();
    return new Run(process.exitValue(), output.strip());
  }

  private static Run run(String... command) throws IOException, InterruptedException {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", command[0]).isTrue();
    return new Run(process.exitValue(), output);
  }
}
