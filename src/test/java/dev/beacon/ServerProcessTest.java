package dev.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.ServerProcess;
import dev.beacon.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code java … dev.beacon.Main serve} as a real process: a start that cannot succeed ends with
 * status 1 and one line on stderr, and leaves the embedded broker closed cleanly; SIGTERM stops
 * the server cleanly and the next start on the same data comes up; {@code serve --help} helps.
 */
class ServerProcessTest {
  /** A failed start ends this quickly even on two busy cores (broker start and stop included). */
  private static final Duration FAILS_WITHIN = Duration.ofSeconds(60);
  private static final Duration STARTS_WITHIN = Duration.ofSeconds(120);
  private static final String CANNOT_START = "Beacon cannot start: ";

  @TempDir Path dir;
  private final List<ServerProcess> processes = new ArrayList<>();
  private final List<ServerSocket> taken = new ArrayList<>();

  @AfterEach
  void killEverything() throws IOException {
    for (var process : processes) process.close();
    for (var socket : taken) socket.close();
  }

  private ServerProcess run(Map<String, String> env, String... args) {
    var process = ServerProcess.start(dir.resolve("logs"), env, args);
    processes.add(process);
    return process;
  }

  private ServerProcess serve(Map<String, String> env) {
    var withData = new HashMap<>(env);
    withData.putIfAbsent("BEACON_DATA_DIR", dir.resolve("data").toString());
    return run(withData, "serve");
  }

  private int takePort() throws IOException {
    var socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    taken.add(socket);
    return socket.getLocalPort();
  }

  private static int closedPort() throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Exit status 1 in time, exactly {@code line} on stderr, no stack trace anywhere. */
  private static void assertFailsWith(ServerProcess process, String line) {
    var started = System.nanoTime();
    var status = process.awaitExit(FAILS_WITHIN);
    System.out.printf("failed start exited in %d ms: %s%n", (System.nanoTime() - started) / 1_000_000, process.stderr().strip());
    assertThat(status).as("exit status within %s", FAILS_WITHIN).hasValue(1);
    assertThat(process.stderr()).isEqualTo(CANNOT_START + line + System.lineSeparator());
    assertThat(process.stdout()).doesNotContain("\tat ");
  }

  private void assertBrokerClosedCleanly() {
    assertThat(dir.resolve("data").resolve("kafka").resolve(".kafka_cleanshutdown")).exists();
  }

  @ParameterizedTest(name = "{1} port in use")
  @CsvSource(delimiter = '|', value = {
      "BEACON_HTTP_PORT       | HTTP",
      "BEACON_MANAGEMENT_PORT | management",
      "BEACON_CLUSTER_PORT    | cluster (Artery)"})
  void portInUseFailsTheStartAndClosesTheBroker(String variable, String what) throws IOException {
    var port = takePort();
    var process = serve(Map.of(variable, String.valueOf(port)));
    assertFailsWith(process, what + " port " + port + " on 127.0.0.1 is in use; stop what holds it, or set " + variable);
    assertThat(process.stdout()).contains("Embedded Kafka at").contains("stopped in");
    assertBrokerClosedCleanly();
  }

  @Test
  void embeddedKafkaPortInUseFailsTheStart() throws IOException {
    var port = takePort();
    var process = serve(Map.of("BEACON_KAFKA_EMBEDDED_PORT", String.valueOf(port)));
    assertFailsWith(process, "embedded Kafka port " + port + " on 127.0.0.1 is in use; stop what holds it, or set BEACON_KAFKA_EMBEDDED_PORT");
  }

  @Test
  void unreachableKafkaFailsTheStartAfterTheStartupTimeout() throws IOException {
    var bootstrap = "127.0.0.1:" + closedPort();
    var process = serve(Map.of("BEACON_KAFKA_BOOTSTRAP", bootstrap));
    assertFailsWith(process, "Kafka at " + bootstrap + " did not answer within 10 s; start it, or point BEACON_KAFKA_BOOTSTRAP at a running one");
  }

  @Test
  void unreachableDatabaseFailsTheStart() throws IOException {
    var server = "127.0.0.1:" + closedPort();
    var process = serve(Map.of("BEACON_DB_URL", "jdbc:postgresql://" + server + "/beacon"));
    assertFailsWith(process, "PostgreSQL on " + server + " is not reachable (Connection refused); start it, or point BEACON_DB_URL at a running one");
  }

  @Test
  void missingPostgresDatabaseFailsTheStartWithTheSqlToCreateIt() {
    var db = TestDatabase.missingPostgres();
    var process = serve(Map.of("BEACON_DB_URL", db.url, "BEACON_DB_USER", db.user, "BEACON_DB_PASSWORD", db.password));
    var name = db.url.substring(db.url.lastIndexOf('/') + 1);
    var server = db.url.replaceFirst("^jdbc:postgresql://", "").replaceFirst("/.*$", "");
    assertFailsWith(process, "PostgreSQL database \"" + name + "\" does not exist on " + server
        + "; create it (as a superuser): CREATE DATABASE \"" + name + "\" OWNER \"" + db.user + "\";");
  }

  @Test
  void dataDirectoryThatCannotBeWrittenFailsTheStart() throws IOException {
    var file = Files.writeString(dir.resolve("a-file"), "not a directory");
    var data = file.resolve("data");
    var process = serve(Map.of("BEACON_DATA_DIR", data.toString()));
    assertFailsWith(process, "data directory " + data + " cannot be written (" + data
        + ": Not a directory); make it a directory this user can write, or set BEACON_DATA_DIR");
  }

  @Test
  void anyAddressWithoutAnAdminKeyRefusesToStart() {
    var process = serve(Map.of("BEACON_HTTP_HOST", "0.0.0.0"));
    assertFailsWith(process, "HTTP on 0.0.0.0 (BEACON_HTTP_HOST) needs an admin key: set BEACON_ADMIN_KEY or "
        + "BEACON_ADMIN_KEY_FILE, or listen on 127.0.0.1; without a key anyone who reaches the port could read and "
        + "write every organization");
    assertThat(process.stdout()).doesNotContain("Embedded Kafka at");
  }

  @Test
  void anAdminKeyTooShortRefusesToStart() {
    var process = serve(Map.of("BEACON_ADMIN_KEY", "letmein"));
    assertFailsWith(process, "the admin key from BEACON_ADMIN_KEY must be at least 24 characters without spaces "
        + "(for instance: openssl rand -hex 24)");
    assertThat(process.stdout() + process.stderr()).doesNotContain("letmein");
  }

  @Test
  void withAnAdminKeyFileItListensOnAnyAddressAndEveryRequestNeedsAKey() throws Exception {
    var key = "k".repeat(12) + System.nanoTime();
    var file = Files.writeString(dir.resolve("admin-key"), key + "\n");
    var process = serve(Map.of("BEACON_HTTP_HOST", "0.0.0.0", "BEACON_ADMIN_KEY_FILE", file.toString()));
    Awaitility.await().atMost(STARTS_WITHIN).pollInterval(Duration.ofMillis(200))
        .failFast("the server exited", () -> !process.isAlive())
        .until(() -> process.status(null) == 401);
    assertThat(process.status(key)).isEqualTo(200);
    assertThat(process.stdout()).contains("API keys required on every request (admin key from BEACON_ADMIN_KEY_FILE "
        + file + ")").doesNotContain(key);
  }

  @Test
  void sigtermStopsTheServerCleanlyAndTheNextStartComesUp() {
    var first = serve(Map.of());
    var firstStart = awaitAnswers(first);
    first.terminate();
    assertThat(first.awaitExit(FAILS_WITHIN)).as("exit status after SIGTERM").hasValue(0);
    assertThat(first.stdout()).contains("Draining the ingest stream").contains("Embedded Kafka at").contains("Beacon stopped");
    assertBrokerClosedCleanly();

    var second = serve(Map.of());
    var secondStart = awaitAnswers(second);
    assertThat(second.stdout()).contains("No admin key configured: the HTTP API needs no key and listens on loopback only");
    System.out.printf("first start answered HTTP after %d ms, the second (same data dir) after %d ms%n",
        firstStart.toMillis(), secondStart.toMillis());
  }

  private static Duration awaitAnswers(ServerProcess process) {
    var started = System.nanoTime();
    Awaitility.await().atMost(STARTS_WITHIN).pollInterval(Duration.ofMillis(200))
        .failFast("the server exited", () -> !process.isAlive())
        .until(process::answers);
    return Duration.ofNanos(System.nanoTime() - started);
  }

  @Test
  void serveHelpPrintsTheUsageAndStartsNothing() {
    var process = run(Map.of(), "serve", "--help");
    assertThat(process.awaitExit(FAILS_WITHIN)).hasValue(0);
    assertThat(process.stdout()).startsWith("Usage: java -jar beacon.jar [serve]").contains("BEACON_HTTP_PORT");
    assertThat(process.stderr()).isEmpty();
  }

  @Test
  void unknownServeOptionPrintsTheUsageAndExitsWithTwo() {
    var process = run(Map.of(), "serve", "--port", "80");
    assertThat(process.awaitExit(FAILS_WITHIN)).hasValue(2);
    assertThat(process.stderr()).startsWith("serve: Unknown options: '--port', '80'" + System.lineSeparator())
        .contains("Usage: java -jar beacon.jar [serve]");
    assertThat(process.stdout()).isEmpty();
  }
}
