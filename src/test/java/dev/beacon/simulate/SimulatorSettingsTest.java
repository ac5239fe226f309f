package dev.beacon.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {
  /** The block application.conf carries, environment lookups left out so that the test sees the defaults. */
  static final String BLOCK = """
      beacon.events.organization-id-pattern = "[a-z]{1,8}"
      beacon.data-dir = "./data"
      beacon.simulator {
        enabled = on
        enabled = ${?BEACON_SIMULATOR}
        organization = "demo"
        organization = ${?BEACON_SIMULATOR_ORGANIZATION}
        campaigns = ["spring-sale", "brand-search", "retargeting", "summer-video", "newsletter"]
        events-per-minute = 600
        events-per-minute = ${?BEACON_SIMULATOR_EVENTS_PER_MINUTE}
        seed = 42
        seed = ${?BEACON_SIMULATOR_SEED}
        users = 5000
        bot-rate = 0.01
        max-in-flight = 256
        replay-dir = ${beacon.data-dir}"/replay"
        replay-dir = ${?BEACON_SIMULATOR_REPLAY_DIR}
        organization-id-pattern = ${beacon.events.organization-id-pattern}
      }
      """;

  @Test
  void settingsAreReadFromTheSimulatorBlock() {
    var config = ConfigFactory.parseString(BLOCK).resolve(ConfigResolveOptions.noSystem());
    var settings = SimulatorSettings.from(config.getConfig("beacon.simulator"));
    assertThat(settings.enabled()).isTrue();
    assertThat(settings.organizationId()).isEqualTo("demo");
    assertThat(settings.campaignIds()).containsExactly("spring-sale", "brand-search", "retargeting", "summer-video", "newsletter");
    assertThat(settings.eventsPerMinute()).isEqualTo(600);
    assertThat(settings.seed()).isEqualTo(42);
    assertThat(settings.users()).isEqualTo(5000);
    assertThat(settings.botRate()).isEqualTo(0.01);
    assertThat(settings.maxInFlight()).isEqualTo(256);
    assertThat(settings.replayDir()).isEqualTo("./data/replay");
    assertThat(settings.organizationIdPattern().pattern()).isEqualTo("[a-z]{1,8}");
  }

  @Test
  void theEventRulesOrganisationPatternAppliesToRequests() {
    var config = ConfigFactory.parseString(BLOCK).resolve(ConfigResolveOptions.noSystem());
    var settings = SimulatorSettings.from(config.getConfig("beacon.simulator"));
    var body = dev.beacon.common.Json.MAPPER.createObjectNode().put("action", "journey").put("organizationId", "Acme-1");
    body.putArray("campaignIds").add("c1");
    var result = RequestValidation.validate(body, settings, RequestValidation.LOCAL_FILES);
    assertThat(result).isEqualTo(new RequestValidation.Invalid(List.of("organizationId: must match [a-z]{1,8}")));
  }

  @Test
  void withoutAPatternTheEventRulesDefaultApplies() {
    var config = ConfigFactory.parseString(BLOCK.replace("organization-id-pattern = ${beacon.events.organization-id-pattern}", ""))
        .resolve(ConfigResolveOptions.noSystem());
    var settings = SimulatorSettings.from(config.getConfig("beacon.simulator"));
    assertThat(settings.organizationIdPattern().pattern()).isEqualTo("[A-Za-z0-9._-]{1,128}");
  }
}
