package dev.beacon.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import dev.beacon.simulate.SimulationRequest.Action;
import dev.beacon.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestValidationTest {
  private static final SimulatorSettings SETTINGS = SimulatorSettings.defaults();
  /** Every file exists except those named missing or locked. */
  private static final RequestValidation.FileCheck FILES = path -> {
    var name = path.getFileName().toString();
    if (name.startsWith("missing")) return Optional.of("no such file: " + path);
    if (name.startsWith("locked")) return Optional.of("not readable: " + path);
    return Optional.empty();
  };
  private static final String START = "\"action\":\"start\",\"organizationId\":\"acme\",\"campaignIds\":[\"c1\",\"c2\"]";
  private static final String BURST = "\"action\":\"burst\",\"organizationId\":\"acme\",\"campaignIds\":[\"c1\"]";
  private static final String REPLAY = "\"action\":\"replay\",\"organizationId\":\"acme\"";

  private static JsonNode body(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static RequestValidation.Result validate(String json) {
    return RequestValidation.validate(body(json), SETTINGS, FILES);
  }

  private static List<String> reasons(String json) {
    var result = validate(json);
    assertThat(result).as("result for %s", json).isInstanceOf(RequestValidation.Invalid.class);
    return ((RequestValidation.Invalid) result).reasons();
  }

  private static SimulationRequest request(String json) {
    var result = validate(json);
    assertThat(result).as("result for %s", json).isInstanceOf(RequestValidation.Valid.class);
    return ((RequestValidation.Valid) result).request();
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "[1]                                                            | body: must be a JSON object",
      "{}                                                             | action: required",
      "{\"action\":\"pause\"}                                         | action: unknown action 'pause'",
      "{\"action\":\"start\",\"organizationId\":\"acme\"}             | campaignIds: required for start",
      "{\"action\":\"burst\",\"campaignIds\":[\"c1\"]}                | organizationId: required for burst",
      "{\"action\":\"journey\",\"organizationId\":\"acme\"}           | campaignIds: required for journey",
      "{\"action\":\"start\",\"organizationId\":\"acme\",\"campaignIds\":[]}      | campaignIds: must name at least one campaign",
      "{\"action\":\"start\",\"organizationId\":\"acme\",\"campaignIds\":\"c1\"}  | campaignIds: must be an array",
      "{\"action\":\"start\",\"organizationId\":\"acme\",\"campaignIds\":[7]}     | campaignIds[0]: must be a string",
      "{\"action\":\"start\",\"organizationId\":\"acme\",\"campaignIds\":[\"(direct)\"]} | campaignIds[0]: is a GA4 placeholder",
      "{\"action\":\"start\",\"organizationId\":\"a b!\",\"campaignIds\":[\"c1\"]} | organizationId: must match",
      "{" + START + ",\"options\":[1]}                                | options: must be an object",
      "{" + START + ",\"options\":{\"eventPerMinute\":5}}             | options.eventPerMinute: unknown option",
      "{" + START + ",\"options\":{\"impressionRate\":-0.1}}          | options.impressionRate: must not be negative",
      "{" + START + ",\"options\":{\"clickRate\":-1}}                 | options.clickRate: must not be negative",
      "{" + START + ",\"options\":{\"conversionRate\":1.5}}           | options.conversionRate: must not exceed 1",
      "{" + START + ",\"options\":{\"clickRate\":\"high\"}}           | options.clickRate: must be a number",
      "{" + START + ",\"options\":{\"impressionRate\":0.8,\"clickRate\":0.3,\"conversionRate\":0.1}} | options: impressionRate + clickRate + conversionRate = 1.2",
      "{" + START + ",\"options\":{\"impressionRate\":0.9}}           | options: impressionRate + clickRate + conversionRate = 1.2",
      "{" + START + ",\"options\":{\"eventsPerMinute\":0}}            | options.eventsPerMinute: must be between 1 and 600000",
      "{" + START + ",\"options\":{\"eventsPerMinute\":600001}}       | options.eventsPerMinute: must be between 1 and 600000",
      "{" + START + ",\"options\":{\"eventsPerMinute\":12.5}}         | options.eventsPerMinute: must be a whole number",
      "{" + START + ",\"options\":{\"eventsPerMinute\":\"60\"}}       | options.eventsPerMinute: must be a whole number",
      "{" + START + ",\"options\":{\"duration\":0}}                   | options.duration: must be more than 0",
      "{" + START + ",\"options\":{\"duration\":20000}}               | options.duration: must be more than 0.0 and at most 10080",
      "{" + START + ",\"options\":{\"seed\":1.5}}                     | options.seed: must be a whole number",
      "{" + START + ",\"options\":{\"users\":0}}                      | options.users: must be between 1 and 1000000",
      "{" + START + ",\"options\":{\"botRate\":2}}                    | options.botRate: must not exceed 1",
      "{" + BURST + ",\"options\":{\"count\":0}}                      | options.count: must be between 1 and 100000",
      "{" + BURST + ",\"options\":{\"count\":100001}}                 | options.count: must be between 1 and 100000",
      "{" + REPLAY + "}                                               | options.file: required for replay",
      "{" + REPLAY + ",\"options\":{\"file\":\"data/missing.ndjson\"}} | options.file: no such file",
      "{" + REPLAY + ",\"options\":{\"file\":\"data/locked.ndjson\"}}  | options.file: not readable",
      "{" + REPLAY + ",\"options\":{\"file\":42}}                      | options.file: must be a path",
      "{" + REPLAY + ",\"options\":{\"file\":\"e.ndjson\",\"speed\":0}} | options.speed: must be more than 0",
      "{\"action\":\"replay\",\"options\":{\"file\":\"e.ndjson\"}}     | organizationId: required for replay",
  })
  void eachBadOptionIsRefusedWithItsReason(String json, String reason) {
    assertThat(reasons(json)).anyMatch(r -> r.startsWith(reason));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    var reasons = reasons("{\"action\":\"start\",\"options\":{\"eventsPerMinute\":-1,\"clickRate\":7}}");
    assertThat(reasons).hasSize(4)
        .anyMatch(r -> r.startsWith("campaignIds:")).anyMatch(r -> r.startsWith("organizationId:"))
        .anyMatch(r -> r.startsWith("options.eventsPerMinute:")).anyMatch(r -> r.startsWith("options.clickRate:"));
  }

  @Test
  void aStartWithoutOptionsGetsTheDefaults() {
    var request = request("{" + START + "}");
    assertThat(request.action()).isEqualTo(Action.START);
    assertThat(request.organizationId()).isEqualTo("acme");
    assertThat(request.campaignIds()).containsExactly("c1", "c2");
    var options = request.options();
    assertThat(options.eventsPerMinute()).isEqualTo(SETTINGS.eventsPerMinute());
    assertThat(options.duration()).isNull();
    assertThat(options.mix()).isEqualTo(new TrafficMix(0.7, 0.25, 0.05, SETTINGS.botRate()));
    assertThat(options.users()).isEqualTo(SETTINGS.users());
    assertThat(options.seed()).isNull();
    assertThat(options.count()).isNull();
  }

  @Test
  void theOldApisStartRequestIsAccepted() {
    var request = request("{\"action\":\"start\",\"campaignIds\":[\"camp_123\",\"camp_124\",\"camp_123\"],\"organizationId\":\"org_456\","
        + "\"options\":{\"eventsPerMinute\":120,\"duration\":30,\"impressionRate\":0.7,\"clickRate\":0.25,\"conversionRate\":0.05}}");
    assertThat(request.campaignIds()).containsExactly("camp_123", "camp_124");
    assertThat(request.options().eventsPerMinute()).isEqualTo(120);
    assertThat(request.options().duration()).isEqualTo(30.0);
  }

  @Test
  void aBurstCountsAHundredUnlessTold() {
    assertThat(request("{" + BURST + "}").options().count()).isEqualTo(100);
    assertThat(request("{" + BURST + ",\"options\":{\"count\":500}}").options().count()).isEqualTo(500);
  }

  @Test
  void stopNeedsNothing() {
    assertThat(request("{\"action\":\"stop\"}").action()).isEqualTo(Action.STOP);
  }

  @Test
  void aReplayFileMustLieInsideTheReplayDirectoryWhenOneIsSet(@TempDir Path dir) throws IOException {
    var file = Files.writeString(dir.resolve("rows.ndjson"), "{}\n");
    var settings = new SimulatorSettings(false, "demo", List.of("c"), 60, 1, 10, 0, 8, dir.toString(),
        SimulatorSettings.DEFAULT_ORGANIZATION_ID_PATTERN);
    var inside = RequestValidation.validate(body("{" + REPLAY + ",\"options\":{\"file\":\"rows.ndjson\",\"speed\":60}}"),
        settings, RequestValidation.LOCAL_FILES);
    assertThat(inside).isInstanceOfSatisfying(RequestValidation.Valid.class, v -> {
      assertThat(v.request().options().file()).isEqualTo(file.toAbsolutePath().normalize().toString());
      assertThat(v.request().options().speed()).isEqualTo(60.0);
    });
    var outside = RequestValidation.validate(body("{" + REPLAY + ",\"options\":{\"file\":\"../etc/passwd\"}}"),
        settings, RequestValidation.LOCAL_FILES);
    assertThat(outside).isInstanceOfSatisfying(RequestValidation.Invalid.class,
        i -> assertThat(i.reasons()).singleElement().asString().startsWith("options.file: must lie inside the replay directory"));
    for (var escape : List.of("/etc/passwd", "sub/../../rows.ndjson", "escape/passwd", "link.ndjson")) {
      var answer = RequestValidation.validate(body("{" + REPLAY + ",\"options\":{\"file\":\"" + escape + "\"}}"),
          settings(dir.resolve("replay")), RequestValidation.LOCAL_FILES);
      assertThat(answer).as(escape).isInstanceOfSatisfying(RequestValidation.Invalid.class,
          i -> assertThat(i.reasons()).singleElement().asString().startsWith("options.file: must lie inside the replay directory"));
    }
  }

  private static SimulatorSettings settings(Path replayDir) throws IOException {
    // inside the replay directory: a link to the directory above it and a link to a file there
    Files.createDirectories(replayDir.resolve("sub"));
    if (!Files.exists(replayDir.resolve("escape"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.writeString(replayDir.getParent().resolve("passwd"), "root:x:0:0\n");
      Files.createSymbolicLink(replayDir.resolve("escape"), replayDir.getParent());
      Files.createSymbolicLink(replayDir.resolve("link.ndjson"), replayDir.getParent().resolve("passwd"));
    }
    return new SimulatorSettings(false, "demo", List.of("c"), 60, 1, 10, 0, 8, replayDir.toString(),
        SimulatorSettings.DEFAULT_ORGANIZATION_ID_PATTERN);
  }

  @Test
  void theServerNeedsAReplayDirectory() {
    var config = com.typesafe.config.ConfigFactory.parseString("replay-dir = \"\"").withFallback(
        com.typesafe.config.ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.simulator"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SimulatorSettings.from(config))
        .hasMessageContaining("beacon.simulator.replay-dir must name a directory");
  }

  @Test
  void theLocalFileCheckTellsMissingFromDirectories(@TempDir Path dir) {
    assertThat(RequestValidation.LOCAL_FILES.problem(dir.resolve("nope.ndjson"))).hasValueSatisfying(p -> assertThat(p).startsWith("no such file"));
    assertThat(RequestValidation.LOCAL_FILES.problem(dir)).hasValueSatisfying(p -> assertThat(p).startsWith("not a regular file"));
    assertThat(RequestValidation.LOCAL_FILES.problem(TestData.GA4_SAMPLE)).isEmpty();
  }

  @Test
  void theConfiguredDemoRunIsAValidStart() {
    var request = request(SETTINGS.demoBody().toString());
    assertThat(request.action()).isEqualTo(Action.START);
    assertThat(request.options().seed()).isEqualTo(SETTINGS.seed());
    assertThat(request.campaignIds()).isEqualTo(SETTINGS.campaignIds());
  }
}
