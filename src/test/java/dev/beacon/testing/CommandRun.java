package dev.beacon.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A command run in the test's JVM: its exit status and what it wrote to stdout and stderr. */
public record CommandRun(int status, String out, String err) {

  /** A command's entry point, such as {@code AttributeCommand::run}. */
  @FunctionalInterface
  public interface Command {
    int run(String[] args, PrintStream out, PrintStream err);
  }

  public static CommandRun of(Command command, String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var status = command.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
