package dev.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bench's dashboard clients in a JVM of their own ({@link #main}), so that their CPU shows
 * apart and their buffers do not count in the server's heap. The bench drives it over the
 * child's standard streams: it connects and says {@code connected N M reason} (M failed, the first for that reason); {@code reset} starts the
 * measurement over; {@code report} prints the figures as one JSON line and ends it.
 */
final class LiveClientsProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;

  private LiveClientsProcess(Process process) {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** Starts the clients' JVM and waits until they are connected; returns how many are. */
  static LiveClientsProcess start(int port, List<String> organizations, int count, double idleShare) throws IOException {
    var java = ProcessHandle.current().info().command().orElse("java");
    var command = new ArrayList<>(List.of(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
        LiveClientsProcess.class.getName(), Integer.toString(port), String.join(",", organizations),
        Integer.toString(count), Double.toString(idleShare)));
    var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new LiveClientsProcess(process);
  }

  /** The line the child says once every client connected or failed; the failures are printed. */
  int awaitConnected() throws IOException {
    var line = answer("connected ");
    var words = line.split(" ", 4);
    if (!words[2].equals("0")) System.out.println("  " + words[2] + " dashboard clients could not connect: " + words[3]);
    return Integer.parseInt(words[1]);
  }

  void reset() throws IOException {
    in.println("reset");
    answer("ok");
  }

  /** The child's next line that starts with {@code prefix}; its log lines (on the same stream) are passed over. */
  private String answer(String prefix) throws IOException {
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith(prefix)) return line;
    }
    throw new IOException("the dashboard clients ended before saying '" + prefix.strip() + "'");
  }

  /** The clients' figures since the last reset: frames, rows, seconds, p50/p95/p99/max ms, connected, closed. */
  JsonNode report() throws IOException {
    in.println("report");
    return Json.MAPPER.readTree(answer("{"));
  }

  @Override
  public void close() throws InterruptedException {
    in.close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
  }

  /** The child: {@code port organisations(comma-separated) count idleShare}. */
  public static void main(String[] args) throws Exception {
    var clients = new LiveClients();
    var organizations = List.of(args[1].split(","));
    clients.connect(Integer.parseInt(args[0]), organizations, Integer.parseInt(args[2]), Double.parseDouble(args[3]),
        Duration.ofMinutes(1));
    // connected <clients connected> <clients failed> <the first failure>
    System.out.println("connected " + clients.connected() + " " + clients.failed() + " " + clients.firstFailure());
    var commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    var since = System.nanoTime();
    for (String command; (command = commands.readLine()) != null; ) {
      if (command.equals("reset")) {
        clients.reset();
        since = System.nanoTime();
        System.out.println("ok");
      } else if (command.equals("report")) {
        var seconds = (System.nanoTime() - since) / 1e9;
        var h = clients.latency();
        var report = Json.MAPPER.createObjectNode();
        report.put("frames", clients.frames());
        report.put("rows", clients.rows());
        report.put("seconds", seconds);
        report.put("p50", h.getValueAtPercentile(50));
        report.put("p95", h.getValueAtPercentile(95));
        report.put("p99", h.getValueAtPercentile(99));
        report.put("max", h.getMaxValue());
        report.put("connected", clients.connected());
        report.put("closed", clients.closed());
        System.out.println(report);
        break;
      }
    }
    clients.close();
    System.exit(0);
  }
}
