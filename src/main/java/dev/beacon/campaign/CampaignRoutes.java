package dev.beacon.campaign;

import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.ApiError;
import dev.beacon.common.HttpJson;
import dev.beacon.common.JsonInput;
import dev.beacon.common.QueryParams;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Campaign metrics over HTTP, with the old real-time API's paths and field names:
 * {@code GET /api/campaigns/{id}/analytics/real-time}, {@code GET /api/campaigns/{id}/analytics/daily}
 * and {@code GET /api/analytics/real-time/dashboard}; a campaign's anomaly alerts
 * ({@code GET /api/campaigns/{id}/alerts}) and the organisation's ({@code GET /api/alerts}); its
 * settings, the daily budget ({@code GET} and, with the admin scope, {@code PUT /api/campaigns/{id}/settings}).
 * Bad parameters → 400 with reasons; metrics of a campaign that has seen no event → 404.
 */
final class CampaignRoutes extends AllDirectives {
  private static final long MAX_WINDOW_SECONDS = 86_400;
  private static final int MAX_BODY_BYTES = 1024;
  private static final JsonInput BODIES = new JsonInput(4, MAX_BODY_BYTES, MAX_BODY_BYTES, false);
  /** Far above any real daily budget, and still exact in micros. */
  private static final BigDecimal MAX_BUDGET = new BigDecimal("1000000000000");
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
    return pathPrefix("api", () -> concat(
        get(() -> concat(
            path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("analytics").slash("real-time"),
                campaignId -> withParams((org, window) -> onAnswer(known(queries.metrics(org, campaignId, window)), m -> ok(m)))),
            path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("analytics").slash("daily"),
                this::daily),
            path(PathMatchers.segment("analytics").slash("real-time").slash("dashboard"),
                () -> withParams((org, window) -> onAnswer(known(queries.dashboard(org, window)), d -> ok(d)))),
            path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("alerts"),
                campaignId -> withOrganization(Scope.READ, org -> onAnswer(queries.alerts(org, campaignId), a -> ok(a)))),
            path("alerts", () -> withOrganization(Scope.READ, org -> onAnswer(queries.alerts(org), a -> ok(a)))),
            path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("settings"),
                campaignId -> withOrganization(Scope.READ, org -> onAnswer(queries.configuration(org, campaignId), c -> ok(c)))))),
        put(() -> path(PathMatchers.segment("campaigns").slash(PathMatchers.segment()).slash("settings"),
            campaignId -> withOrganization(Scope.ADMIN, org -> HttpJson.jsonBody(BODIES, MAX_BODY_BYTES, body -> {
              var reasons = new ArrayList<String>();
              var budget = dailyBudget(body, reasons);
              if (!reasons.isEmpty()) return refuse(new ApiError.BadRequest("invalid campaign settings", reasons));
              return onAnswer(queries.setBudget(org, campaignId, budget), c -> ok(c));
            }))))));
  }

  /** organizationId (required), then the scope on it. */
  private Route withOrganization(Scope scope, Function<String, Route> inner) {
    return parameterOptional("organizationId", org -> {
      var reasons = new ArrayList<String>();
      var organizationId = requireOrganization(org, reasons);
      if (!reasons.isEmpty()) return refuse(new ApiError.BadRequest("bad parameters", reasons));
      return access.allow(scope, organizationId, () -> inner.apply(organizationId));
    });
  }

  /**
   * {@code {"dailyBudget": 250.00}}: a non-negative amount (a number or a decimal string, at most
   * six decimals), or null to clear it; nothing else is settable.
   */
  static BigDecimal dailyBudget(JsonNode body, List<String> reasons) {
    if (body == null || !body.isObject() || !body.has("dailyBudget")) {
      reasons.add("dailyBudget: required, an amount or null to clear it");
      return null;
    }
    body.fieldNames().forEachRemaining(name -> {
      if (!name.equals("dailyBudget")) reasons.add(name + ": not a campaign setting (only dailyBudget is)");
    });
    var given = body.get("dailyBudget");
    if (given.isNull()) return null;
    BigDecimal amount = null;
    try {
      if (given.isNumber()) amount = given.decimalValue();
      else if (given.isTextual()) amount = new BigDecimal(given.asText().trim());
    } catch (NumberFormatException e) {
      amount = null;
    }
    if (amount == null) {
      reasons.add("dailyBudget: must be an amount, such as 250.00");
    } else if (amount.signum() < 0) {
      reasons.add("dailyBudget: must not be negative");
    } else if (amount.stripTrailingZeros().scale() > 6) {
      reasons.add("dailyBudget: at most six decimals");
    } else if (amount.compareTo(MAX_BUDGET) > 0) {
      reasons.add("dailyBudget: at most " + MAX_BUDGET.toPlainString());
    }
    return amount;
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
