package dev.beacon.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.JsonIds;
import dev.beacon.simulate.SimulationRequest.Action;
import dev.beacon.simulate.SimulationRequest.Options;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a simulator request body ({@code {action, campaignIds, organizationId, options}}) and
 * either builds the {@link SimulationRequest} with every default filled in or lists every
 * problem as {@code "field: reason"}. A pure function: the only outside fact it needs, whether a
 * replay file can be read, comes through {@link FileCheck}.
 */
final class RequestValidation {
  public static final int MAX_EVENTS_PER_MINUTE = 600_000;
  public static final double MAX_DURATION_MINUTES = 10_080;
  public static final int MAX_COUNT = 100_000;
  public static final double MAX_SPEED = 1_000_000;
  public static final int MAX_USERS = 1_000_000;
  public static final int MAX_CAMPAIGNS = 10_000;
  private static final int MAX_ID_LENGTH = 128;
  private static final String ACTIONS = "start, stop, burst, journey, replay";
  private static final Set<String> OPTIONS = Set.of("eventsPerMinute", "duration", "impressionRate", "clickRate",
      "conversionRate", "count", "file", "speed", "seed", "users", "botRate");
  private static final JsonNode NO_OPTIONS = dev.beacon.common.Json.MAPPER.createObjectNode();

  private RequestValidation() {}

  public sealed interface Result permits Valid, Invalid {}

  public record Valid(SimulationRequest request) implements Result {}

  public record Invalid(List<String> reasons) implements Result {}

  /** Why a file cannot be replayed, or empty when it can. */
  @FunctionalInterface
  public interface FileCheck {
    Optional<String> problem(Path file);
  }

  /** The file system as it is. */
  public static final FileCheck LOCAL_FILES = file -> {
    if (!Files.exists(file)) return Optional.of("no such file: " + file);
    if (!Files.isRegularFile(file)) return Optional.of("not a regular file: " + file);
    if (!Files.isReadable(file)) return Optional.of("not readable: " + file);
    return Optional.empty();
  };

  public static Result validate(JsonNode body, SimulatorSettings settings, FileCheck files) {
    if (body == null || !body.isObject()) return new Invalid(List.of("body: must be a JSON object"));
    var reasons = new ArrayList<String>();
    var action = action(body.get("action"), reasons);
    var needsCampaigns = action == Action.START || action == Action.BURST || action == Action.JOURNEY;
    var campaigns = campaigns(body.get("campaignIds"), needsCampaigns, action, reasons);
    var organizationId = organization(body.get("organizationId"), action != null && action != Action.STOP, action,
        settings, reasons);
    var options = body.get("options");
    if (options != null && !options.isNull() && !options.isObject()) {
      reasons.add("options: must be an object");
      options = null;
    }
    var given = options == null || options.isNull() ? NO_OPTIONS : options;
    given.fieldNames().forEachRemaining(name -> {
      if (!OPTIONS.contains(name)) reasons.add("options." + name + ": unknown option (known: " + String.join(", ", new TreeSet<>(OPTIONS)) + ")");
    });
    var o = new Reader(given, reasons);
    var eventsPerMinute = o.whole("eventsPerMinute", 1, MAX_EVENTS_PER_MINUTE, settings.eventsPerMinute());
    var duration = o.number("duration", 0, false, MAX_DURATION_MINUTES, null);
    var impressionRate = o.rate("impressionRate", TrafficMix.DEFAULT.impressionRate());
    var clickRate = o.rate("clickRate", TrafficMix.DEFAULT.clickRate());
    var conversionRate = o.rate("conversionRate", TrafficMix.DEFAULT.conversionRate());
    var count = o.whole("count", 1, MAX_COUNT, 100);
    var speed = o.number("speed", 0, false, MAX_SPEED, 1.0);
    var seed = o.seed();
    var users = o.whole("users", 1, MAX_USERS, settings.users());
    var botRate = o.rate("botRate", settings.botRate());
    if (impressionRate != null && clickRate != null && conversionRate != null) {
      var sum = BigDecimal.valueOf(impressionRate).add(BigDecimal.valueOf(clickRate)).add(BigDecimal.valueOf(conversionRate));
      if (sum.compareTo(BigDecimal.ONE) > 0) {
        reasons.add("options: impressionRate + clickRate + conversionRate = " + sum.toPlainString()
            + " (0.7, 0.25 and 0.05 stand in for rates not given), must not exceed 1");
      }
    }
    var file = action == Action.REPLAY ? file(given.get("file"), settings, files, reasons) : null;
    if (action == null || !reasons.isEmpty()) return new Invalid(List.copyOf(reasons));

    var request = new SimulationRequest(action, campaigns, organizationId, switch (action) {
      case STOP -> new Options(null, null, null, null, null, null, null, null, null, null, null);
      case START, BURST -> new Options(action == Action.START ? eventsPerMinute : null, action == Action.START ? duration : null,
          impressionRate, clickRate, conversionRate, action == Action.BURST ? count : null, null, null, seed, users, botRate);
      case JOURNEY -> new Options(null, null, null, null, null, null, null, null, seed, users, null);
      case REPLAY -> new Options(null, null, null, null, null, null, file, speed, null, null, null);
    });
    return new Valid(request);
  }

  private static Action action(JsonNode node, List<String> reasons) {
    if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
      reasons.add("action: required (one of " + ACTIONS + ")");
      return null;
    }
    var action = node.isTextual() ? Action.fromWire(node.asText()) : Optional.<Action>empty();
    if (action.isEmpty()) reasons.add("action: unknown action '" + node.asText() + "' (one of " + ACTIONS + ")");
    return action.orElse(null);
  }

  private static List<String> campaigns(JsonNode node, boolean required, Action action, List<String> reasons) {
    if (node == null || node.isNull()) {
      if (required) reasons.add("campaignIds: required for " + action.wireName());
      return List.of();
    }
    if (!node.isArray()) {
      reasons.add("campaignIds: must be an array of campaign ids");
      return List.of();
    }
    if (node.isEmpty() && required) reasons.add("campaignIds: must name at least one campaign");
    if (node.size() > MAX_CAMPAIGNS) {
      reasons.add("campaignIds: more than " + MAX_CAMPAIGNS + " campaigns");
      return List.of();
    }
    var ids = new LinkedHashSet<String>();
    for (int i = 0; i < node.size(); i++) {
      var problem = idProblem(node.get(i));
      if (problem == null && isPlaceholder(node.get(i).asText())) problem = "is a GA4 placeholder, not a campaign";
      if (problem != null) reasons.add("campaignIds[" + i + "]: " + problem);
      else ids.add(node.get(i).asText());
    }
    return List.copyOf(ids);
  }

  private static String organization(JsonNode node, boolean required, Action action, SimulatorSettings settings,
      List<String> reasons) {
    if (node == null || node.isNull()) {
      if (required) reasons.add("organizationId: required for " + action.wireName());
      return null;
    }
    var problem = idProblem(node);
    if (problem == null && !settings.organizationIdPattern().matcher(node.asText()).matches()) {
      problem = "must match " + settings.organizationIdPattern().pattern();
    }
    if (problem != null) reasons.add("organizationId: " + problem);
    return node.asText();
  }

  private static String idProblem(JsonNode node) {
    return JsonIds.problem(node, MAX_ID_LENGTH);
  }

  private static boolean isPlaceholder(String campaign) {
    var c = campaign.trim();
    return (c.startsWith("(") && c.endsWith(")")) || c.equals("<Other>");
  }

  private static String file(JsonNode node, SimulatorSettings settings, FileCheck files, List<String> reasons) {
    if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
      reasons.add("options.file: required for replay (a GA4 export, one JSON row per line)");
      return null;
    }
    if (!node.isTextual()) {
      reasons.add("options.file: must be a path");
      return null;
    }
    Path path;
    try {
      path = Path.of(node.asText());
      if (!settings.replayDir().isBlank()) {
        var root = Path.of(settings.replayDir()).toAbsolutePath().normalize();
        path = root.resolve(path).normalize();
        if (!path.startsWith(root) || leadsOut(path, root)) {
          reasons.add("options.file: must lie inside the replay directory " + root
              + " (no .., no absolute path elsewhere, no symbolic link out of it)");
          return null;
        }
      }
    } catch (InvalidPathException e) {
      reasons.add("options.file: not a valid path: " + e.getReason());
      return null;
    }
    var problem = files.problem(path);
    problem.ifPresent(p -> reasons.add("options.file: " + p));
    return problem.isPresent() ? null : path.toString();
  }

  /** Whether an existing file inside {@code root} by name is, once its links are followed, outside it. */
  private static boolean leadsOut(Path path, Path root) {
    if (!Files.exists(path)) return false;
    try {
      return !path.toRealPath().startsWith(root.toRealPath());
    } catch (java.io.IOException e) {
      return true;
    }
  }

  /** Reads typed options, adding a reason for each bad one and answering null for it. */
  private record Reader(JsonNode options, List<String> reasons) {
    Integer whole(String name, long min, long max, int fallback) {
      var node = options.get(name);
      if (node == null || node.isNull()) return fallback;
      if (!node.isNumber() || !isWhole(node)) {
        reasons.add("options." + name + ": must be a whole number");
        return null;
      }
      if (!node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
        reasons.add("options." + name + ": must be between " + min + " and " + max + ", got " + node.asText());
        return null;
      }
      return (int) node.asLong();
    }

    Double number(String name, double min, boolean minAllowed, double max, Double fallback) {
      var node = options.get(name);
      if (node == null || node.isNull()) return fallback;
      if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
        reasons.add("options." + name + ": must be a number");
        return null;
      }
      var value = node.asDouble();
      if (value < min || (value == min && !minAllowed) || value > max) {
        reasons.add("options." + name + ": must be " + (minAllowed ? "at least " : "more than ") + min
            + " and at most " + max + ", got " + node.asText());
        return null;
      }
      return value;
    }

    Double rate(String name, double fallback) {
      var node = options.get(name);
      if (node == null || node.isNull()) return fallback;
      if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
        reasons.add("options." + name + ": must be a number between 0 and 1");
        return null;
      }
      var value = node.asDouble();
      if (value < 0) reasons.add("options." + name + ": must not be negative, got " + node.asText());
      if (value > 1) reasons.add("options." + name + ": must not exceed 1, got " + node.asText());
      return value < 0 || value > 1 ? null : value;
    }

    Long seed() {
      var node = options.get("seed");
      if (node == null || node.isNull()) return null;
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        reasons.add("options.seed: must be a whole number (64-bit)");
        return null;
      }
      return node.asLong();
    }

    private static boolean isWhole(JsonNode node) {
      return node.isIntegralNumber() || node.decimalValue().stripTrailingZeros().scale() <= 0;
    }
  }
}
