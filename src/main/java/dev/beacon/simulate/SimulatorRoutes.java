package dev.beacon.simulate;

import static dev.beacon.common.HttpJson.error;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.respond;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.HttpJson;
import dev.beacon.common.Json;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code POST /api/analytics/real-time/simulate} ({@code {action, campaignIds, organizationId,
 * options}}: 202 when a run started, 200 with what a stop, burst or journey did, 400 with every
 * reason for bad input, 503 while shutting down) and {@code GET /api/analytics/real-time/simulate}
 * (the simulator's status).
 */
final class SimulatorRoutes extends AllDirectives {
  private static final long MAX_BODY_BYTES = 256 * 1024;
  private final Simulator simulator;

  public SimulatorRoutes(Simulator simulator) {
    this.simulator = simulator;
  }

  public Route routes() {
    return pathPrefix("api", () ->
        path(PathMatchers.segment("analytics").slash("real-time").slash("simulate"), () -> concat(
            post(this::command),
            get(() -> HttpJson.ok(simulator.status())))));
  }

  private Route command() {
    return withSizeLimit(MAX_BODY_BYTES, () -> entity(Unmarshaller.entityToString(), text -> {
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(text);
      } catch (JacksonException e) {
        return error(StatusCodes.BAD_REQUEST, "bad request", List.of("body: malformed JSON: " + e.getOriginalMessage()));
      }
      var checked = simulator.validate(body);
      if (checked instanceof RequestValidation.Invalid invalid) {
        return error(StatusCodes.BAD_REQUEST, "invalid simulation request", invalid.reasons());
      }
      var request = ((RequestValidation.Valid) checked).request();
      return onAnswer(simulator.handle(request), this::answer);
    }));
  }

  private Route answer(Simulator.Outcome outcome) {
    var body = new LinkedHashMap<String, Object>();
    if (outcome instanceof Simulator.Started started) {
      body.put("action", started.action().wireName());
      body.put("started", true);
      body.put("replaced", started.replaced());
      body.put("status", started.status());
      return respond(StatusCodes.ACCEPTED, body);
    }
    if (outcome instanceof Simulator.Stopped stopped) {
      body.put("action", "stop");
      body.put("stopped", stopped.wasRunning());
      body.put("status", stopped.status());
      return HttpJson.ok(body);
    }
    if (outcome instanceof Simulator.Sent sent) {
      body.put("action", sent.action().wireName());
      body.put("sent", sent.sent());
      body.put("failed", sent.failed());
      if (sent.userId() != null) {
        body.put("userId", sent.userId());
        body.put("events", sent.events());
      }
      return HttpJson.ok(body);
    }
    var refused = (Simulator.Refused) outcome;
    return error(StatusCodes.SERVICE_UNAVAILABLE, refused.reason(), List.of(refused.reason()));
  }
}
