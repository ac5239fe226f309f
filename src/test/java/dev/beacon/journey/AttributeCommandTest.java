package dev.beacon.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributeCommandTest {
  private static final String PATHS = "../shared/data/attribution-paths/paths.csv";

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var code = AttributeCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void csvHasAHeaderAndOneRowPerChannel() {
    var result = run("--paths", PATHS, "--csv");
    assertEquals(0, result.code(), result.err());
    var lines = result.out().lines().toList();
    assertEquals(String.join(",", AttributionReport.CSV_COLUMNS), lines.get(0));
    assertEquals(13, lines.size());
    assertTrue(lines.get(1).startsWith("alpha,6308.000000,19121.272356,8447.000000,28414.214274,"), lines.get(1));
    assertTrue(lines.stream().skip(1).allMatch(l -> l.split(",").length == AttributionReport.CSV_COLUMNS.size()));
    assertTrue(result.err().isEmpty());
  }

  @Test
  void theDefaultIsATableOfEveryChannel() {
    var result = run("--paths=" + PATHS);
    assertEquals(0, result.code(), result.err());
    assertTrue(result.out().startsWith("88387 journeys, 19785 conversions, value 74802.97"), result.out());
    for (var channel : new String[] {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mi"}) {
      assertTrue(result.out().lines().anyMatch(l -> l.startsWith(channel + " ")), channel);
    }
  }

  @Test
  void aMissingFileExitsWithTwoAndSaysSo() {
    var result = run("--paths", "no/such/paths.csv");
    assertEquals(2, result.code());
    assertTrue(result.err().contains("no/such/paths.csv") && result.err().contains("no such file"), result.err());
    assertTrue(result.out().isEmpty());
  }

  @Test
  void aMalformedFileExitsWithTwoAndNamesTheLine(@TempDir Path dir) throws IOException {
    var file = dir.resolve("bad.csv");
    Files.writeString(file, HEADER_LINE + "a > b;1;2;0\na > b;x;2;0\n");
    var result = run("--paths", file.toString());
    assertEquals(2, result.code());
    assertTrue(result.err().startsWith("attribute: " + file + " line 3: total_conversions"), result.err());
  }

  @Test
  void missingOrUnknownArgumentsExitWithTwoAndTheUsage() {
    for (var args : new String[][] {{}, {"--csv"}, {"--paths"}, {"--paths", PATHS, "--bogus"}}) {
      var result = run(args);
      assertEquals(2, result.code(), String.join(" ", args));
      assertTrue(result.err().contains("Usage: java -jar beacon.jar attribute --paths FILE [--csv]"), result.err());
    }
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    var result = run("--help");
    assertEquals(0, result.code());
    assertTrue(result.out().startsWith("Usage:"));
  }

  private static final String HEADER_LINE = PathFile.HEADER + "\n";
}
