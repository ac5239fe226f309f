package dev.beacon.attribution;

import static dev.beacon.testing.TestData.ATTRIBUTION_PATHS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beacon.testing.CommandRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributeCommandTest {
  private static final String PATHS = ATTRIBUTION_PATHS.toString();

  private static CommandRun run(String... args) {
    return CommandRun.of(AttributeCommand::run, args);
  }

  @Test
  void csvHasAHeaderAndOneRowPerChannel() {
    var result = run("--paths", PATHS, "--csv");
    assertEquals(0, result.status(), result.err());
    var lines = result.out().lines().toList();
    assertEquals(String.join(",", AttributionReport.CSV_COLUMNS), lines.get(0));
    assertEquals(13, lines.size());
    // first and last touch of the first channel, from markov_reference.py
    assertTrue(lines.get(1).startsWith("affiliate,34.000000,1091.930000,39.000000,1327.610000,"), lines.get(1));
    assertTrue(lines.stream().skip(1).allMatch(l -> l.split(",").length == AttributionReport.CSV_COLUMNS.size()));
    assertTrue(result.err().isEmpty());
  }

  @Test
  void theDefaultIsATableOfEveryChannel() {
    var result = run("--paths=" + PATHS);
    assertEquals(0, result.status(), result.err());
    assertTrue(result.out().startsWith("4863 journeys, 717 conversions, value 24077.26"), result.out());
    for (var channel : new String[] {"search", "social", "email", "display", "video", "affiliate", "referral", "shopping", "push", "sms",
        "podcast", "print"}) {
      assertTrue(result.out().lines().anyMatch(l -> l.startsWith(channel + " ")), channel);
    }
  }

  @Test
  void aMissingFileExitsWithTwoAndSaysSo() {
    var result = run("--paths", "no/such/paths.csv");
    assertEquals(2, result.status());
    assertTrue(result.err().contains("no/such/paths.csv") && result.err().contains("no such file"), result.err());
    assertTrue(result.out().isEmpty());
  }

  @Test
  void aMalformedFileExitsWithTwoAndNamesTheLine(@TempDir Path dir) throws IOException {
    var file = dir.resolve("bad.csv");
    Files.writeString(file, HEADER_LINE + "a > b;1;2;0\na > b;x;2;0\n");
    var result = run("--paths", file.toString());
    assertEquals(2, result.status());
    assertTrue(result.err().startsWith("attribute: " + file + " line 3: total_conversions"), result.err());
  }

  @Test
  void missingOrUnknownArgumentsExitWithTwoAndTheUsage() {
    for (var args : new String[][] {{}, {"--csv"}, {"--paths"}, {"--paths", PATHS, "--bogus"}}) {
      var result = run(args);
      assertEquals(2, result.status(), String.join(" ", args));
      assertTrue(result.err().contains("Usage: java -jar beacon.jar attribute --paths FILE [--csv]"), result.err());
    }
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    var result = run("--help");
    assertEquals(0, result.status());
    assertTrue(result.out().startsWith("Usage:"));
  }

  private static final String HEADER_LINE = PathFile.HEADER + "\n";
}
