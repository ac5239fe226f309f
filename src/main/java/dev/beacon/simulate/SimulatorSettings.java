package dev.beacon.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.beacon.common.Json;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code beacon.simulator}: whether the demo run starts with the server, and its defaults.
 *
 * @param enabled start a continuous demo run at boot
 * @param organizationId the demo run's organisation
 * @param campaignIds the demo run's campaigns
 * @param eventsPerMinute the demo run's rate, and the default rate of a started run
 * @param seed the first seed; runs that name none take seed, seed + 1, … in turn
 * @param users users per organisation when a request names none
 * @param botRate share of paid journeys run by click bots when a request names none
 * @param maxInFlight sends awaiting Kafka's acknowledgement at most, per run
 * @param replayDir replay files must lie inside this directory; blank (the {@code simulate}
 *     command only, which reads its own user's files) allows any readable file
 * @param organizationIdPattern what an organisation id must match (the event rules' pattern)
 */
public record SimulatorSettings(
    boolean enabled,
    String organizationId,
    List<String> campaignIds,
    int eventsPerMinute,
    long seed,
    int users,
    double botRate,
    int maxInFlight,
    String replayDir,
    Pattern organizationIdPattern) {

  static final Pattern DEFAULT_ORGANIZATION_ID_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  public SimulatorSettings {
    campaignIds = List.copyOf(campaignIds);
    if (maxInFlight < 1) throw new IllegalArgumentException("beacon.simulator.max-in-flight must be positive");
  }

  /** The server's settings: its replay directory must be named (the API must not read any file on the disk). */
  public static SimulatorSettings from(Config c) {
    if (c.getString("replay-dir").isBlank()) {
      throw new IllegalArgumentException("beacon.simulator.replay-dir must name a directory (the replay action reads files only there)");
    }
    return new SimulatorSettings(
        c.getBoolean("enabled"),
        c.getString("organization"),
        c.getStringList("campaigns"),
        c.getInt("events-per-minute"),
        c.getLong("seed"),
        c.getInt("users"),
        c.getDouble("bot-rate"),
        c.getInt("max-in-flight"),
        c.getString("replay-dir"),
        c.hasPath("organization-id-pattern") ? Pattern.compile(c.getString("organization-id-pattern"))
            : DEFAULT_ORGANIZATION_ID_PATTERN);
  }

  /** The defaults when there is no configuration (the {@code simulate} command). */
  public static SimulatorSettings defaults() {
    return new SimulatorSettings(false, "demo", List.of("spring-sale", "brand-search", "retargeting",
        "summer-video", "newsletter"), 600, 42, 5_000, 0.01, 256, "", DEFAULT_ORGANIZATION_ID_PATTERN);
  }

  /** The continuous run the server starts at boot when enabled, as a request body still to be checked. */
  public ObjectNode demoBody() {
    var body = Json.MAPPER.createObjectNode().put("action", "start").put("organizationId", organizationId);
    campaignIds.forEach(body.putArray("campaignIds")::add);
    body.putObject("options").put("eventsPerMinute", eventsPerMinute).put("seed", seed);
    return body;
  }
}
