package dev.beacon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Node script of src/test/browser, and reads the JSON object it prints last: the scripts
 * that drive Debian's headless Chromium with playwright-core, and those that run a tracker's own
 * Node SDK (which need Node.js and their npm package, not Chromium). Without the tools a script
 * needs its tests are skipped, with one console line per run that says why and how to fix it,
 * unless BEACON_TEST_REQUIRE_BROWSER=true (as in CI), which makes them fail.
 */
public final class BrowserScript {
  public static final Path DIR = Path.of("src", "test", "browser");
  private static final AtomicBoolean SKIP_REPORTED = new AtomicBoolean();
  private static final long TIMEOUT_SECONDS = 180;

  private BrowserScript() {}

  /** The script's last line as JSON, its exit status and what it wrote on stderr. */
  public record Result(int exitCode, JsonNode json, String stderr) {
    public String describe() {
      return "exit " + exitCode + ", result " + json + (stderr.isBlank() ? "" : ", stderr:\n" + stderr);
    }
  }

  /** Skips the test (or fails it, under BEACON_TEST_REQUIRE_BROWSER=true) when Chromium, Node.js or playwright-core is missing. */
  public static void requireTools() {
    var chromium = chromium();
    if (!Files.isExecutable(chromium)) {
      unavailable(chromium + " is not there (apt-get install chromium, or set BEACON_CHROMIUM)");
    }
    requireNode("playwright-core");
  }

  /** The same for a script that needs Node.js 20 and the npm package {@code npmPackage} of src/test/browser only. */
  public static void requireNode(String npmPackage) {
    var node = nodeMajorVersion();
    if (node < 0) unavailable("node is not on the PATH (apt-get install nodejs npm)");
    if (node < 20) unavailable("node is version " + node + "; " + npmPackage + " needs 20 or later");
    if (!Files.isDirectory(DIR.resolve("node_modules").resolve(npmPackage))) {
      unavailable(npmPackage + " is not installed: run npm ci in " + DIR);
    }
  }

  /** Runs {@code node <script> <args...>} in src/test/browser and waits for it, at most three minutes. */
  public static Result run(String script, String... args) throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).directory(DIR.toFile());
    builder.environment().put("BEACON_CHROMIUM", chromium().toString());
    var process = builder.start();
    var stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    var stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      // the browser first: playwright would close it only when node ends on its own
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Assertions.fail(script + " did not finish within " + TIMEOUT_SECONDS + " s; stderr:\n" + stderr.getNow(""));
    }
    var lines = stdout.join().strip().lines().toList();
    var json = lines.isEmpty() ? null : Json.MAPPER.readTree(lines.get(lines.size() - 1));
    return new Result(process.exitValue(), json, stderr.join());
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static Path chromium() {
    var configured = System.getenv("BEACON_CHROMIUM");
    return Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
  }

  /** The major version of the node on the PATH, or -1 when there is none. */
  private static int nodeMajorVersion() {
    try {
      var process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      var version = read(process.getInputStream()).strip();
      if (!process.waitFor(30, TimeUnit.SECONDS) || !version.matches("v\\d+\\..*")) return -1;
      return Integer.parseInt(version.substring(1, version.indexOf('.')));
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void unavailable(String why) {
    if (Boolean.parseBoolean(System.getenv("BEACON_TEST_REQUIRE_BROWSER"))) {
      Assertions.fail("Browser and Node tests required (BEACON_TEST_REQUIRE_BROWSER=true) but cannot run: " + why);
    }
    // Surefire keeps the reason of a skipped test in its XML only: the console line is what a user sees
    if (SKIP_REPORTED.compareAndSet(false, true)) {
      System.err.println("Browser and Node tests skipped: " + why + " (BEACON_TEST_REQUIRE_BROWSER=true makes this a failure)");
    }
    Assumptions.abort("Browser and Node tests skipped: " + why);
  }
}
