package dev.beacon.simulate;

import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.beacon.common.ApiError;
import dev.beacon.common.HttpJson;
import dev.beacon.common.JsonInput;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/analytics/real-time/simulate} ({@code {action, campaignIds, organizationId,
 * options}}: 202 when a run started, 200 with what a stop, burst or journey did, 400 with every
 * reason for bad input, 503 while shutting down) and {@code GET /api/analytics/real-time/simulate}
 * (the simulator's status).
 */
final class SimulatorRoutes extends AllDirectives {
  private static final int MAX_BODY_BYTES = 256 * 1024;
  private static final JsonInput BODIES = new JsonInput(64, MAX_BODY_BYTES, MAX_BODY_BYTES, false);
  private final Simulator simulator;
  private final Access access;

  public SimulatorRoutes(Simulator simulator, Access access) {
    this.simulator = simulator;
    this.access = access;
  }

  public Route routes() {
    return pathPrefix("api", () ->
        path(PathMatchers.segment("analytics").slash("real-time").slash("simulate"),
            () -> access.allowEveryOrganization(Scope.ADMIN, () -> concat(
                post(this::command),
                get(() -> HttpJson.ok(simulator.status()))))));
  }

  /** 202: a run started (and whether it replaced one), with the simulator's status. */
  record Started(String action, boolean started, boolean replaced, Simulator.Status status) {}

  /** 200: a stop, whether something was running, and the status after it. */
  record Stopped(String action, boolean stopped, Simulator.Status status) {}

  /** 200: what a burst or a journey sent; a journey also names its user and the events it sent. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Sent(String action, long sent, long failed, String userId, List<String> events) {}

  private Route command() {
    return HttpJson.jsonBody(BODIES, MAX_BODY_BYTES, body -> {
      var checked = simulator.validate(body);
      if (checked instanceof RequestValidation.Invalid invalid) {
        return refuse(new ApiError.BadRequest("invalid simulation request", invalid.reasons()));
      }
      var request = ((RequestValidation.Valid) checked).request();
      return onAnswer(simulator.handle(request), this::answer);
    });
  }

  private Route answer(Simulator.Outcome outcome) {
    if (outcome instanceof Simulator.Started started) {
      return respond(StatusCodes.ACCEPTED,
          new Started(started.action().wireName(), true, started.replaced(), started.status()));
    }
    if (outcome instanceof Simulator.Stopped stopped) {
      return HttpJson.ok(new Stopped("stop", stopped.wasRunning(), stopped.status()));
    }
    if (outcome instanceof Simulator.Sent sent) {
      var journey = sent.userId() != null;
      return HttpJson.ok(new Sent(sent.action().wireName(), sent.sent(), sent.failed(), sent.userId(),
          journey ? sent.events() : null));
    }
    var refused = (Simulator.Refused) outcome;
    return refuse(new ApiError.Unavailable(refused.reason(), List.of(refused.reason()), null));
  }
}
