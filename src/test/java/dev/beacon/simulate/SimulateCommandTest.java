package dev.beacon.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.CommandRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The command's argument handling; its run against a broker is in {@link SimulatorKafkaTest}. */
class SimulateCommandTest {

  private static CommandRun run(String line) {
    return CommandRun.of(SimulateCommand::run, line.isBlank() ? new String[0] : line.trim().split("\\s+"));
  }

  @ParameterizedTest(name = "[{0}] → {1}")
  @CsvSource(delimiter = '|', value = {
      "''                                                                       | --bootstrap: required",
      "--organization acme --campaigns a                                        | --bootstrap: required",
      "--bootstrap k:9092 --organization acme --campaigns a --rat 5             | Unknown options: '--rat', '5'",
      "--bootstrap k:9092 --organization acme --campaigns a --rate              | Missing required parameter for option '--rate' (N)",
      "--bootstrap k:9092 --organization acme --campaigns a --rate fast         | Invalid value for option '--rate': 'fast' is not a long",
      "--bootstrap k:9092 --organization acme --campaigns a --mode party        | Invalid value for option '--mode': unknown mode 'party'",
      "--bootstrap k:9092 --campaigns a                                         | organizationId: required for start",
      "--bootstrap k:9092 --organization acme                                   | campaignIds: required for start",
      "--bootstrap k:9092 --organization acme --campaigns a --rate 0            | options.eventsPerMinute: must be between 1 and 600000",
      "--bootstrap k:9092 --organization acme --campaigns a --click-rate -0.2   | options.clickRate: must not be negative",
      "--bootstrap k:9092 --organization acme --campaigns a --mode burst --count 0 | options.count: must be between 1 and 100000",
      "--bootstrap k:9092 --organization acme --mode replay --file /no/such.ndjson | options.file: no such file",
      "--bootstrap k:9092 --organization acme --mode replay --file=/no/such.ndjson --speed=0 | options.speed: must be more than 0",
  })
  void badArgumentsPrintTheReasonAndUsageAndExitWith2(String line, String reason) {
    var ran = run(line);
    assertThat(ran.status()).isEqualTo(2);
    assertThat(ran.err()).contains("simulate: " + reason).contains("Usage: java -jar beacon.jar simulate");
    assertThat(ran.out()).isEmpty();
  }

  @Test
  void helpPrintsTheUsageAndExitsWith0() {
    var ran = run("--help");
    assertThat(ran.status()).isZero();
    assertThat(ran.out()).contains("--bootstrap=HOST:PORT").contains("--speed=X");
  }

  @Test
  void anUnreachableBrokerExitsWith1() {
    var ran = run("--bootstrap 127.0.0.1:1 --organization acme --campaigns a --mode burst --count 5");
    assertThat(ran.status()).isEqualTo(1);
    assertThat(ran.err()).contains("cannot reach Kafka at 127.0.0.1:1");
  }
}
