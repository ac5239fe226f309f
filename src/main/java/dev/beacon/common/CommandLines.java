package dev.beacon.common;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What every Beacon command line (picocli) shares: help and errors go to the streams it is given,
 * in plain text; a repeated option keeps its last value; an argument starting with {@code @} is a
 * value, not a file of arguments; and bad usage, whether picocli finds it (an unknown option, a
 * value of the wrong type) or the command does (a value out of range), is said as
 * {@code command: reason} lines on stderr followed by the command's usage, with exit status 2.
 * Status 0 is done, 1 a failure at run time.
 */
public final class CommandLines {
  /** Exit status of bad usage. */
  public static final int BAD_USAGE = CommandLine.ExitCode.USAGE;
  private static final int HELP_WIDTH = 100;

  private CommandLines() {}

  /**
   * Parses {@code args} for {@code command} (a class annotated {@code @Command}, its subcommands
   * with it) and runs it; returns the exit status. Only the command that runs is made, with its
   * constructor {@code (PrintStream out, PrintStream err)}: the others load no more than their
   * class, so {@code attribute} starts no logging, actor system or Kafka client.
   */
  public static int execute(Class<?> command, String[] args, PrintStream out, PrintStream err) {
    var line = new CommandLine(command, new WithStreams(out, err));
    layout(line);
    return line.setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF))
        .setOverwrittenOptionsAllowed(true)
        .setExpandAtFiles(false)
        .setParameterExceptionHandler(CommandLines::badUsage)
        .registerConverter(BigDecimal.class, CommandLines::decimal)
        .execute(args);
  }

  /** A decimal read exactly, as written; picocli's own converter would call it a java.math.BigDecimal. */
  private static BigDecimal decimal(String text) {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not a number");
    }
  }

  /** Makes commands with the streams they write to; anything else (converters, help) as picocli does. */
  private record WithStreams(PrintStream out, PrintStream err) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        var constructor = type.getDeclaredConstructor(PrintStream.class, PrintStream.class);
        constructor.setAccessible(true);
        return constructor.newInstance(out, err);
      } catch (NoSuchMethodException notACommand) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  /** One layout for every command's help: options in the order declared, sections apart. */
  private static void layout(CommandLine line) {
    line.getCommandSpec().usageMessage()
        .width(HELP_WIDTH)
        .longOptionsMaxWidth(24)
        .sortOptions(false)
        .descriptionHeading("%n")
        .optionListHeading("%nOptions:%n")
        .commandListHeading("%nCommands:%n");
    line.getSubcommands().values().forEach(CommandLines::layout);
  }

  /** Prints each of {@code problems} as {@code command: problem}, then the usage; returns {@link #BAD_USAGE}. */
  public static int badUsage(CommandSpec spec, List<String> problems) {
    return badUsage(spec.commandLine(), problems, null);
  }

  private static int badUsage(ParameterException e, String[] args) {
    return badUsage(e.getCommandLine(), List.of(unknownCommand(e).orElse(e.getMessage())), e);
  }

  /** A word where a command is expected: picocli calls it an unmatched argument. */
  private static Optional<String> unknownCommand(ParameterException e) {
    if (!(e instanceof UnmatchedArgumentException unmatched) || e.getCommandLine().getSubcommands().isEmpty()
        || unmatched.getUnmatched().isEmpty() || unmatched.isUnknownOption()) {
      return Optional.empty();
    }
    return Optional.of("Unknown command: '" + unmatched.getUnmatched().get(0) + "'");
  }

  private static int badUsage(CommandLine line, List<String> problems, ParameterException e) {
    var err = line.getErr();
    problems.forEach(problem -> err.println(line.getCommandName() + ": " + problem));
    // picocli's "Did you mean ...?" for a mistyped option or command
    if (e != null) UnmatchedArgumentException.printSuggestions(e, err);
    err.println();
    line.usage(err);
    err.flush();
    return BAD_USAGE;
  }

  /** {@code --version}: the version of the packaged jar, from its Maven descriptor. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      try (var descriptor = Version.class.getResourceAsStream("/META-INF/maven/dev.beacon/beacon/pom.properties")) {
        if (descriptor == null) return new String[] {"Beacon (not run from the packaged jar: version unknown)"};
        var properties = new Properties();
        properties.load(descriptor);
        return new String[] {"Beacon " + properties.getProperty("version")};
      }
    }
  }
}
