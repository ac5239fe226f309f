package dev.beacon.bandit.offline;

import dev.beacon.bandit.LinUcbSettings;
import dev.beacon.common.CommandLines;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code java -jar beacon.jar evaluate --log FILE --policy uniform|linucb|logged}: off-policy
 * evaluation of a policy on a logged-bandit file in the Open Bandit Dataset layout
 * ({@link BanditLog}, {@link OfflineEvaluation}); prints the replay, IPS and SNIPS estimates
 * with their standard errors and effective sample sizes, and with {@code --json FILE} writes
 * them there too. Exit status 0 done, 1 the JSON file could not be written, 2 bad arguments or a
 * file that cannot be read or is not of the layout (one line saying which, file and line).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
    customSynopsis = "java -jar beacon.jar evaluate --log FILE --policy uniform|linucb|logged [options]",
    description = {
        "Off-policy evaluation on a logged-bandit file (Open Bandit Dataset CSV: item_id, click, propensity_score, "
            + "position, user_feature_*, user-item_affinity_*): the replay estimate, IPS and self-normalised IPS of "
            + "the policy's mean reward, each with its standard error and effective sample size."},
    footer = {"",
        "Policies: uniform (every item alike), logged (the logging policy itself: a check, its IPS is the mean logged "
            + "reward), linucb (LinUCB with the items as arms, learning from the rounds where it drew the logged item)."})
public final class EvaluateCommand implements Callable<Integer> {
  private static final String ITEM_CONTEXT_SUFFIX = "_item_context.csv";
  @Spec
  private CommandSpec spec;
  @Option(names = "--log", paramLabel = "FILE", required = true, description = "the logged-bandit file (CSV)")
  private Path log;
  @Option(names = "--policy", paramLabel = "NAME", required = true, converter = PolicyName.class,
      description = "uniform, linucb or logged")
  private EvaluationPolicy policy;
  @Option(names = "--items", paramLabel = "FILE", description = "the item context file, whose item_id column lists the "
      + "actions (default: <log name>" + ITEM_CONTEXT_SUFFIX + " beside the log if there is one, else the items logged)")
  private Path items;
  @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
  private Path json;
  @Option(names = "--seed", paramLabel = "S", description = "seed of the policy's random draws (default ${DEFAULT-VALUE})")
  private long seed = EvaluationOptions.DEFAULT_SEED;
  @Option(names = "--alpha", paramLabel = "A", description = "linucb: weight of the exploration bonus (default ${DEFAULT-VALUE})")
  private double alpha = LinUcbSettings.DEFAULT_ALPHA;
  @Option(names = "--lambda", paramLabel = "L", description = "linucb: ridge, A starts as L·I (default ${DEFAULT-VALUE})")
  private double lambda = LinUcbSettings.DEFAULT_RIDGE;
  @Option(names = "--epsilon", paramLabel = "E", description = "linucb: share of decisions spread evenly over the items "
      + "(default ${DEFAULT-VALUE})")
  private double epsilon = LinUcbSettings.DEFAULT_EPSILON;
  private final PrintStream out;
  private final PrintStream err;

  private EvaluateCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs with the arguments after the word {@code evaluate}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandLines.execute(EvaluateCommand.class, args, out, err);
  }

  @Override
  public Integer call() {
    EvaluationOptions options;
    try {
      options = new EvaluationOptions(policy, seed, alpha, lambda, epsilon);
    } catch (IllegalArgumentException e) {
      return CommandLines.badUsage(spec, List.of(e.getMessage()));
    }
    BanditLog loaded;
    try {
      loaded = read();
    } catch (MalformedLogException e) {
      err.println("evaluate: " + e.getMessage());
      return CommandLines.BAD_USAGE;
    } catch (FileProblem e) {
      err.println("evaluate: cannot read " + e.file + ": " + describe(e.getCause()));
      return CommandLines.BAD_USAGE;
    }
    var result = OfflineEvaluation.run(loaded, options);
    out.print(result.text());
    out.flush();
    if (json != null) {
      try {
        Files.writeString(json, result.jsonDocument());
      } catch (IOException e) {
        err.println("evaluate: cannot write " + json + ": " + describe(e));
        return 1;
      }
    }
    return 0;
  }

  /** An I/O failure on one file, and which. */
  private static final class FileProblem extends Exception {
    final Path file;

    FileProblem(Path file, IOException cause) {
      super(cause);
      this.file = file;
    }
  }

  private BanditLog read() throws MalformedLogException, FileProblem {
    var itemFile = Optional.ofNullable(items).or(this::itemContextBesideTheLog);
    Optional<ItemList> itemList = Optional.empty();
    if (itemFile.isPresent()) {
      try (var reader = Files.newBufferedReader(itemFile.get(), StandardCharsets.UTF_8)) {
        itemList = Optional.of(ItemList.read(reader, itemFile.get().toString()));
      } catch (MalformedLogException e) {
        throw e;
      } catch (IOException e) {
        throw new FileProblem(itemFile.get(), e);
      }
    }
    try (var reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
      return BanditLog.read(reader, log.toString(), itemList);
    } catch (MalformedLogException e) {
      throw e;
    } catch (IOException e) {
      throw new FileProblem(log, e);
    }
  }

  /** {@code men.csv} → {@code men_item_context.csv} in the same folder, as the Open Bandit Dataset names them. */
  private Optional<Path> itemContextBesideTheLog() {
    var name = log.getFileName().toString();
    var stem = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    var beside = log.resolveSibling(stem + ITEM_CONTEXT_SUFFIX);
    return Files.isRegularFile(beside) ? Optional.of(beside) : Optional.empty();
  }

  private static String describe(Throwable e) {
    if (e instanceof NoSuchFileException) return "no such file";
    if (e instanceof AccessDeniedException) return "permission denied";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** {@code --policy}: a policy's name, in any case. */
  static final class PolicyName implements ITypeConverter<EvaluationPolicy> {
    @Override
    public EvaluationPolicy convert(String text) {
      try {
        return EvaluationPolicy.fromWireName(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
