package dev.beacon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code dev.beacon.Main} in a child JVM on this test's class path, the way an operator runs it:
 * configured by environment variables only (every inherited {@code BEACON_*} is dropped first), its
 * stdout and stderr in files of its own. {@link #close()} kills it, whatever state it is in.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern HTTP_PORT = Pattern.compile("Beacon HTTP API on \\S*:(\\d+)");
  private static final Map<String, String> DEFAULTS = Map.of(
      "BEACON_HTTP_HOST", "127.0.0.1", "BEACON_HTTP_PORT", "0", "BEACON_MANAGEMENT_PORT", "0",
      "BEACON_CLUSTER_PORT", "0", "BEACON_KAFKA_EMBEDDED_PORT", "0", "BEACON_SIMULATOR", "off");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ServerProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Runs {@code Main} with {@code args} and the given environment on top of loopback-only, free
   * ports and no simulator; {@code logs} receives the output files.
   */
  public static ServerProcess start(Path logs, Map<String, String> env, String... args) {
    return start(logs, env, List.of(), args);
  }

  /**
   * As {@link #start(Path, Map, String...)}, with {@code jvmOptions} after the default heap (a
   * later {@code -Xmx} wins; {@code -Dname=value} sets what has no environment variable).
   */
  public static ServerProcess start(Path logs, Map<String, String> env, List<String> jvmOptions, String... args) {
    var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.beacon.Main"));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(logs);
      var stdout = Files.createTempFile(logs, "stdout-", ".log");
      var stderr = Files.createTempFile(logs, "stderr-", ".log");
      var builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("BEACON_"));
      builder.environment().putAll(DEFAULTS);
      builder.environment().putAll(env);
      return new ServerProcess(builder.start(), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the process to end; its exit status, or empty when it still runs after {@code timeout}. */
  public OptionalInt awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** True once the HTTP port is in the log and answers {@code GET /api/analytics/real-time} with 200. */
  public boolean answers() {
    return status(null) == 200;
  }

  /**
   * The status of {@code GET /api/analytics/real-time} with {@code key} as the bearer (none when
   * null); 0 while the HTTP port is not in the log or does not answer.
   */
  public int status(String key) {
    var matcher = HTTP_PORT.matcher(stdout());
    if (!matcher.find()) return 0;
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + matcher.group(1) + "/api/analytics/real-time"))
        .timeout(Duration.ofSeconds(5));
    if (key != null) request.header("Authorization", "Bearer " + key);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** SIGTERM, what {@code kill PID}, systemd and Kubernetes send. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL, what {@code kill -9 PID} sends: no shutdown hook runs; waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  /**
   * The last {@code lines} lines of stdout, then of stderr, stack frames left out: what a failed
   * test shows of the process.
   */
  public String logTail(int lines) {
    return tail(stdout(), lines) + tail(stderr(), lines);
  }

  private static String tail(String text, int lines) {
    var all = text.lines().filter(line -> !line.startsWith("\tat ") && !line.startsWith("\t... ")).toList();
    return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size())) + System.lineSeparator();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    kill();
  }
}
