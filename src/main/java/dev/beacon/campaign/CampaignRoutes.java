package dev.beacon.campaign;

import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;

import dev.beacon.common.ApiError;
import dev.beacon.common.QueryParams;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Campaign metrics over HTTP, with the old real-time API's paths and field names:
 * {@code GET /api/campaigns/{id}/analytics/real-time}, {@code GET /api/campaigns/{id}/analytics/daily}
 * and {@code GET /api/analytics/real-time/dashboard}. Bad parameters → 400 with reasons; a campaign
 * that has seen no event → 404.
 */
final class CampaignRoutes extends AllDirectives {
  private static final long MAX_WINDOW_SECONDS = 86_400;
  private final CampaignQueries queries;
  private final CampaignSettings settings;
  private final Access access;
  private final Clock clock;

  public CampaignRoutes(CampaignQueries queries, CampaignSettings settings, Access access, Clock clock) {
    this.queries = queries;
    this.settings = settings;
    this.access = access;
    this.clock = clock;
  }

  public Route routes() {
    return get(() -> pathPrefix("api", () -> concat(
        path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("analytics").slash("real-time"),
            campaignId -> withParams((org, window) -> onAnswer(known(queries.metrics(org, campaignId, window)), m -> ok(m)))),
        path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("analytics").slash("daily"),
            this::daily),
        path(PathMatchers.segment("analytics").slash("real-time").slash("dashboard"),
            () -> withParams((org, window) -> onAnswer(known(queries.dashboard(org, window)), d -> ok(d)))))));
  }

  private interface WithParams {
    Route apply(String organizationId, Duration window);
  }

  /** organizationId (required) and timeWindow (seconds, 1 to 86,400; omitted = all time). */
  private Route withParams(WithParams inner) {
    return parameterOptional("organizationId", org -> parameterOptional("timeWindow", window -> {
      var reasons = new ArrayList<String>();
      var organizationId = requireOrganization(org, reasons);
      Duration duration = null;
      if (window.isPresent()) {
        try {
          var seconds = Long.parseLong(window.get().trim());
          if (seconds < 1 || seconds > MAX_WINDOW_SECONDS) {
            reasons.add("timeWindow: must be between 1 and " + MAX_WINDOW_SECONDS + " seconds");
          } else {
            duration = Duration.ofSeconds(seconds);
          }
        } catch (NumberFormatException e) {
          reasons.add("timeWindow: must be a whole number of seconds");
        }
      }
      if (!reasons.isEmpty()) return refuse(new ApiError.BadRequest("bad parameters", reasons));
      var within = duration;
      return access.allow(Scope.READ, organizationId, () -> inner.apply(organizationId, within));
    }));
  }

  private Route daily(String campaignId) {
    return parameterOptional("organizationId", org -> parameterOptional("from", from -> parameterOptional("to", to -> {
      var reasons = new ArrayList<String>();
      var organizationId = requireOrganization(org, reasons);
      var today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
      var toDate = QueryParams.date(to, "to", reasons).orElse(today);
      var fromDate = QueryParams.date(from, "from", reasons).orElse(toDate.minusDays(29));
      if (reasons.isEmpty() && fromDate.isAfter(toDate)) reasons.add("from: must not be after to");
      var retention = settings.dayRetention().toDays();
      if (reasons.isEmpty() && fromDate.plusDays(retention).isBefore(toDate)) {
        reasons.add("from: the range spans more than the " + retention + " days kept");
      }
      if (!reasons.isEmpty()) return refuse(new ApiError.BadRequest("bad parameters", reasons));
      return access.allow(Scope.READ, organizationId,
          () -> onAnswer(known(queries.daily(organizationId, campaignId, fromDate, toDate)), d -> ok(d)));
    })));
  }

  /** The entity's rejection of a campaign it never counted anything for is a 404. */
  private static <T> CompletionStage<T> known(CompletionStage<T> answer) {
    return ApiError.whenRejected(answer, Campaign.UNKNOWN_CAMPAIGN, ApiError.NotFound::new);
  }

  private static String requireOrganization(Optional<String> org, List<String> reasons) {
    if (org.isEmpty() || org.get().isBlank()) {
      reasons.add("organizationId: required");
      return null;
    }
    return org.get();
  }
}
