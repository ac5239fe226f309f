package dev.beacon.attribution;

import dev.beacon.common.CommandLines;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code beacon attribute --paths FILE [--csv]}: reads a path file ({@link PathFile}) and prints
 * per channel first touch, last touch, linear and Markov conversions and value, as an aligned
 * table or as CSV. Exit codes: 0 done, 2 bad arguments or a file that cannot be read or parsed.
 */
@Command(name = "attribute", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
    customSynopsis = "java -jar beacon.jar attribute --paths FILE [--csv]",
    description = {
        "Attribution of a path file: first touch, last touch, linear and Markov, per channel.",
        "Reads aggregated paths (path;total_conversions;total_conversion_value;total_null, channels joined by "
            + "\" > \") and prints per channel first touch, last touch, linear and Markov (removal effect) "
            + "conversions and value."})
public final class AttributeCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;
  @Option(names = "--paths", paramLabel = "FILE", required = true, description = "the path file")
  private Path paths;
  @Option(names = "--csv", description = "print CSV instead of a table")
  private boolean csv;
  private final PrintStream out;
  private final PrintStream err;

  private AttributeCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs with the arguments after the word {@code attribute}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandLines.execute(AttributeCommand.class, args, out, err);
  }

  @Override
  public Integer call() {
    if (paths.toString().isBlank()) return CommandLines.badUsage(spec, List.of("--paths FILE is required"));
    PathCounts counts;
    try {
      counts = PathFile.read(paths);
    } catch (PathFile.MalformedPathFileException e) {
      err.println("attribute: " + e.getMessage());
      return 2;
    } catch (IOException e) {
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
