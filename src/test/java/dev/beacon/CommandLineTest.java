package dev.beacon;

import static dev.beacon.testing.TestData.ATTRIBUTION_PATHS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command tree as {@code java -jar beacon.jar} parses it: help on every command, and bad
 * usage (an unknown option, a value of the wrong type, a value out of range) said with the
 * command's name, followed by its usage, with exit status 2. Nothing here starts a server.
 */
class CommandLineTest {

  private static CommandRun run(String... args) {
    return CommandRun.of(Main::run, args);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--help", "-h", "help"})
  void helpListsEveryCommandAndExitsWith0(String help) {
    var ran = run(help);
    assertThat(ran.status()).isZero();
    assertThat(ran.out()).startsWith("Usage: java -jar beacon.jar [-hV] [COMMAND]")
        .contains("  serve ", "  simulate ", "  import ", "  bench ", "  attribute ", "  evaluate ", "  help ");
    assertThat(ran.err()).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "serve, --help", "serve, -h", "simulate, --help", "simulate, -h", "import, --help", "import, -h", "bench, --help", "bench, -h",
      "attribute, --help", "attribute, -h", "evaluate, --help", "evaluate, -h", "help, bench"})
  void helpOfEachCommandPrintsItsUsageAndExitsWith0(String command, String help) {
    var ran = run(command, help);
    var name = command.equals("help") ? help : command;
    assertThat(ran.status()).isZero();
    assertThat(ran.out()).startsWith("Usage: java -jar beacon.jar ").contains("Options:", "-h, --help");
    assertThat(ran.out().lines().findFirst().orElseThrow()).contains(name.equals("serve") ? "[serve]" : name);
    assertThat(ran.err()).isEmpty();
  }

  @Test
  void versionPrintsOneLineAndExitsWith0() {
    var ran = run("bench", "--version");
    assertThat(ran.status()).isZero();
    assertThat(ran.out()).startsWith("Beacon ").hasLineCount(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--bogus                       | beacon: Unknown option: '--bogus'                    | [-hV] [COMMAND]",
      "bogus                         | beacon: Unknown command: 'bogus'                     | [-hV] [COMMAND]",
      "serve --port 80               | serve: Unknown options: '--port', '80'               | [serve]",
      "simulate --bogus              | simulate: Unknown option: '--bogus'                  | simulate",
      "import --ga4 f --bogus        | import: Unknown option: '--bogus'                    | import",
      "bench --evnts 5               | bench: Unknown options: '--evnts', '5'               | bench",
      "attribute --paths f --bogus   | attribute: Unknown option: '--bogus'                 | attribute",
      "evaluate --log f --policy logged --bogus | evaluate: Unknown option: '--bogus'     | evaluate",
  })
  void anUnknownOptionOrCommandIsNamedBeforeTheUsageAndExitsWith2(String line, String message, String usage) {
    var ran = run(line.split(" "));
    assertThat(ran.status()).isEqualTo(2);
    assertThat(ran.err()).startsWith(message + System.lineSeparator()).contains("Usage: java -jar beacon.jar " + usage);
    assertThat(ran.out()).isEmpty();
  }

  @Test
  void aMistypedOptionGetsASuggestion() {
    assertThat(run("bench", "--evnts", "5").err()).contains("Possible solutions: --events");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bench --batch-size abc        | bench: Invalid value for option '--batch-size': 'abc' is not an int",
      "bench --events=2e6            | bench: Invalid value for option '--events': '2e6' is not a long",
      "bench --batch-window soon     | bench: Invalid value for option '--batch-window': 'soon' is not a duration",
      "bench --json                  | bench: Missing required parameter for option '--json' (FILE)",
      "simulate --count=many         | simulate: Invalid value for option '--count': 'many' is not a long",
      "simulate --speed fast         | simulate: Invalid value for option '--speed': 'fast' is not a number",
      "simulate --mode party         | simulate: Invalid value for option '--mode': unknown mode 'party' (continuous, burst, journey, replay)",
      "attribute --paths             | attribute: Missing required parameter for option '--paths' (FILE)",
      "attribute --csv               | attribute: Missing required option: '--paths=FILE'",
      "import --organization acme    | import: Missing required option: '--ga4=FILE'",
      "import --ga4 f --organization a/b | import: --organization: must match [A-Za-z0-9._-]{1,128}",
      "evaluate --log f --policy best | evaluate: Invalid value for option '--policy': 'best' is not a policy: uniform, logged or linucb",
      "evaluate --log f --policy linucb --alpha=-1 | evaluate: alpha must be a finite number ≥ 0, got -1.0",
  })
  void aBadValueNamesTheOptionAndExitsWith2(String line, String message) {
    var ran = run(line.split(" "));
    assertThat(ran.status()).isEqualTo(2);
    assertThat(ran.err()).startsWith(message).contains("Usage: java -jar beacon.jar ");
    assertThat(ran.out()).isEmpty();
  }

  @Test
  void benchKeepsItsChecksOfRangesAndCombinations() {
    var ran = run("bench", "--events", "0", "--users", "0", "--no-h2");
    assertThat(ran.status()).isEqualTo(2);
    assertThat(ran.err()).startsWith(String.join(System.lineSeparator(), "bench: --events: at least 1",
        "bench: sizes and rates must be positive", "bench: --no-h2 needs --db-url", "", "Usage: java -jar beacon.jar bench"));
  }

  @Test
  void aRepeatedOptionKeepsItsLastValue() {
    var ran = run("attribute", "--paths", "no/such/paths.csv", "--paths=" + ATTRIBUTION_PATHS, "--csv");
    assertThat(ran.status()).as(ran.err()).isZero();
    assertThat(ran.out()).startsWith("channel,");
  }
}
