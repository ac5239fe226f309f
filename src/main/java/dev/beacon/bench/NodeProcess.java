package dev.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Beacon server of {@code bench --nodes}: {@code dev.beacon.Main serve} in a JVM of its own
 * on the bench's class path, configured by environment variables as an operator runs it (the
 * bench's {@code BEACON_*} are not passed on), on free ports of loopback, its output in a file.
 * The failure detector ({@code BEACON_CLUSTER_HEARTBEAT_PAUSE}, and its threshold) and the Kafka
 * session (system properties: no variable sets them) get more time than their defaults, so that
 * three JVMs on two busy cores do not take a slow node for a dead one.
 */
final class NodeProcess implements AutoCloseable {
  /** Per node: small heaps, so that several fit beside the broker and the database. */
  static final List<String> JVM_OPTIONS = List.of("-Xms512m", "-Xmx1g",
      "-Dpekko.cluster.failure-detector.threshold=12",
      "-Dpekko.kafka.consumer.kafka-clients.session.timeout.ms=10000",
      "-Dpekko.kafka.consumer.kafka-clients.heartbeat.interval.ms=3000");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final int httpPort;
  final int managementPort;
  final int clusterPort;
  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log, int httpPort, int managementPort, int clusterPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.clusterPort = clusterPort;
  }

  /** Free ports for a node: HTTP, management, cluster. */
  static int[] freePorts() throws IOException {
    var ports = new int[3];
    for (int i = 0; i < ports.length; i++) {
      try (var socket = new ServerSocket(0)) {
        ports[i] = socket.getLocalPort();
      }
    }
    return ports;
  }

  /** Starts a node on {@code ports} (HTTP, management, cluster) with {@code env} on top of loopback and no simulator. */
  static NodeProcess start(Path dir, int[] ports, Map<String, String> env) throws IOException {
    Files.createDirectories(dir);
    var log = dir.resolve("server.log");
    var command = new ArrayList<String>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.beacon.Main", "serve"));
    var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("BEACON_"));
    builder.environment().putAll(Map.of("BEACON_HTTP_HOST", "127.0.0.1", "BEACON_HTTP_PORT", Integer.toString(ports[0]),
        "BEACON_MANAGEMENT_HOST", "127.0.0.1", "BEACON_MANAGEMENT_PORT", Integer.toString(ports[1]),
        "BEACON_CLUSTER_HOST", "127.0.0.1", "BEACON_CLUSTER_PORT", Integer.toString(ports[2]),
        "BEACON_DATA_DIR", dir.toString(), "BEACON_SIMULATOR", "off", "BEACON_CLUSTER_HEARTBEAT_PAUSE", "10s"));
    builder.environment().putAll(env);
    var process = builder.start();
    // a bench stopped by Ctrl-C leaves no server behind
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return new NodeProcess(process, log, ports[0], ports[1], ports[2]);
  }

  /** Waits until the HTTP API answers; fails with the end of the node's log when it ends or does not within {@code timeout}. */
  void awaitAnswering(Duration timeout) throws Exception {
    var until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until) {
      if (!process.isAlive()) throw new IllegalStateException("node on port " + httpPort + " ended: " + logTail());
      try {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/analytics/real-time"))
            .timeout(Duration.ofSeconds(5)).build();
        if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("node on port " + httpPort + " did not answer within " + timeout + ": " + logTail());
  }

  /** Every sample of {@code /metrics} whose name starts with {@code prefix}, by name and labels as printed. */
  Map<String, Double> metrics(String prefix) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(10)).build();
    var samples = new HashMap<String, Double>();
    for (var line : HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
      if (!line.startsWith(prefix)) continue;
      var space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /** The sum of every sample of the meter {@code name} (all its labels). */
  double sum(String name) throws Exception {
    return metrics(name).entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  /** The cluster as this node's management sees it: members and unreachable ones (Pekko Management's {@code /cluster/members}). */
  JsonNode members() throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/cluster/members"))
        .timeout(Duration.ofSeconds(5)).build();
    return Json.MAPPER.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
  }

  /** kill -9: no shutdown, no leaving, no commit. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String logTail() {
    try {
      var lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then waits for the graceful shutdown; kill -9 after a minute. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) kill();
  }
}
