package dev.beacon.attribution;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code beacon attribute --paths FILE [--csv]}: reads a path file ({@link PathFile}) and prints
 * per channel first touch, last touch, linear and Markov conversions and value, as an aligned
 * table or as CSV. Exit codes: 0 done, 2 bad arguments or a file that cannot be read or parsed.
 */
public final class AttributeCommand {
  static final String USAGE = """
      Usage: java -jar beacon.jar attribute --paths FILE [--csv]

      Reads aggregated paths (path;total_conversions;total_conversion_value;total_null, channels
      joined by " > ") and prints per channel first touch, last touch, linear and Markov
      (removal effect) conversions and value. --csv prints CSV instead of a table.
      """;

  private AttributeCommand() {}

  /** Runs with the arguments after the word {@code attribute}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String paths = null;
    var csv = false;
    for (var i = 0; i < args.length; i++) {
      var arg = args[i];
      if (arg.equals("--csv")) {
        csv = true;
      } else if (arg.equals("--paths") && i + 1 < args.length) {
        paths = args[++i];
      } else if (arg.startsWith("--paths=")) {
        paths = arg.substring("--paths=".length());
      } else if (arg.equals("--help") || arg.equals("-h")) {
        out.print(USAGE);
        return 0;
      } else {
        err.println("attribute: unexpected argument " + arg);
        err.print(USAGE);
        return 2;
      }
    }
    if (paths == null || paths.isBlank()) {
      err.println("attribute: --paths FILE is required");
      err.print(USAGE);
      return 2;
    }
    PathCounts counts;
    try {
      counts = PathFile.read(Path.of(paths));
    } catch (PathFile.MalformedPathFileException e) {
      err.println("attribute: " + e.getMessage());
      return 2;
    } catch (IOException | java.nio.file.InvalidPathException e) {
      err.println("attribute: cannot read " + paths + ": " + describe(e));
      return 2;
    }
    var report = AttributionReport.of(counts);
    out.print(csv ? report.csv() : report.table());
    out.flush();
    return 0;
  }

  private static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
