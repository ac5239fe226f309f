package dev.beacon.journey;

import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;

import dev.beacon.attribution.MarkovAttribution;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.attribution.ShapleyAttribution;
import dev.beacon.common.ApiError;
import dev.beacon.common.QueryParams;
import dev.beacon.journey.AttributionReplies.Amount;
import dev.beacon.journey.AttributionReplies.Comparison;
import dev.beacon.journey.AttributionReplies.DataDriven;
import dev.beacon.journey.AttributionReplies.DataDrivenChannels;
import dev.beacon.journey.AttributionReplies.Day;
import dev.beacon.journey.AttributionReplies.ModelSummary;
import dev.beacon.journey.AttributionReplies.RuleChannels;
import dev.beacon.journey.AttributionReplies.Timeseries;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Attribution and journeys over HTTP: {@code /api/attribution/compare}, {@code /channels},
 * {@code /timeseries}, {@code /markov} and {@code /api/users/{userId}/journey} (the live feed
 * is the live dashboards'). Rule-based models come from the read tables; Markov and
 * Shapley are solved on demand from the organisation's conversion paths.
 */
final class AttributionRoutes extends AllDirectives {
  static final List<String> DATA_DRIVEN = List.of("markov", "shapley");
  private static final int MAX_DAYS = 366;
  private final AttributionQueries queries;
  private final JourneyProfiles profiles;
  private final JourneyUsers users;
  private final Executor blocking;
  private final AttributionAnswers answers;
  private final Access access;
  private final Clock clock;

  /**
   * The user whose journey an id's events join: the id itself, or, for ids that trackers link
   * (Segment's anonymousId and userId), the journey they were linked to.
   */
  @FunctionalInterface
  public interface JourneyUsers {
    CompletionStage<String> journeyUserOf(String organizationId, String id);

    /** Every id is its own journey's user. */
    JourneyUsers SAME = (organizationId, id) -> java.util.concurrent.CompletableFuture.completedFuture(id);
  }

  public AttributionRoutes(AttributionQueries queries, JourneyProfiles profiles, JourneyUsers users, Executor blocking,
      Access access, Clock clock) {
    this.users = users;
    this.queries = queries;
    this.answers = new AttributionAnswers(queries, clock);
    this.profiles = profiles;
    this.blocking = blocking;
    this.access = access;
    this.clock = clock;
  }

  public Route routes() {
    return get(() -> pathPrefix("api", () -> concat(
        pathPrefix("attribution", () -> concat(
            path("compare", () -> withRange((org, from, to) -> answer(org, () -> answers.compare(org, from, to)))),
            path("channels", () -> parameterOptional("model", model -> withRange((org, from, to) -> channels(org, model, from, to)))),
            path("timeseries", this::timeseries),
            path("markov", () -> withOrganization(org -> answer(org, () -> dataDriven(org)))))),
        path(PathMatchers.segment("users").slash(PathMatchers.segment()).slash("journey"), this::journey))));
  }

  private interface Ranged {
    Route apply(String organizationId, LocalDate from, LocalDate to);
  }

  private interface Blocking<T> {
    T get() throws Exception;
  }

  /** Runs a read off the actor threads; an organisation with nothing on the read side is 404. */
  private <T> Route answer(String organizationId, Blocking<T> read) {
    var result = CompletableFuture.supplyAsync(() -> {
      try {
        if (!queries.knows(organizationId)) throw new ApiError.NotFound("unknown organization " + organizationId);
        return read.get();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking);
    return onAnswer(result, body -> ok(body));
  }

  private static Route badParameters(List<String> reasons) {
    return refuse(new ApiError.BadRequest("bad parameters", reasons));
  }

  private Route withOrganization(java.util.function.Function<String, Route> inner) {
    return parameterOptional("organizationId", org -> {
      if (org.isEmpty() || org.get().isBlank()) return badParameters(List.of("organizationId: required"));
      return access.allow(Scope.READ, org.get(), () -> inner.apply(org.get()));
    });
  }

  /** organizationId, from and to (YYYY-MM-DD; default the last 30 days, at most a year). */
  private Route withRange(Ranged inner) {
    return withOrganization(org -> parameterOptional("from", from -> parameterOptional("to", to -> {
      var reasons = new ArrayList<String>();
      var toDate = QueryParams.date(to, "to", reasons).orElse(answers.today());
      var fromDate = QueryParams.date(from, "from", reasons).orElse(toDate.minusDays(AttributionAnswers.COMPARE_DAYS - 1L));
      if (reasons.isEmpty() && fromDate.isAfter(toDate)) reasons.add("from: must not be after to");
      if (reasons.isEmpty() && fromDate.plusDays(MAX_DAYS).isBefore(toDate)) reasons.add("from: at most " + MAX_DAYS + " days before to");
      if (!reasons.isEmpty()) return badParameters(reasons);
      return inner.apply(org, fromDate, toDate);
    })));
  }


  private Route channels(String org, Optional<String> model, LocalDate from, LocalDate to) {
    var name = model.orElse(RuleBasedAttribution.LAST_CLICK);
    if (!RuleBasedAttribution.MODELS.contains(name) && !DATA_DRIVEN.contains(name)) {
      var known = new ArrayList<>(RuleBasedAttribution.MODELS);
      known.addAll(DATA_DRIVEN);
      return badParameters(List.of("model: unknown model '" + name + "', one of " + known));
    }
    if (DATA_DRIVEN.contains(name)) {
      return answer(org, () -> new DataDrivenChannels(org, name, DataDrivenChannels.NOTE,
          name.equals("markov") ? MarkovAttribution.solve(queries.paths(org)).channels()
              : ShapleyAttribution.solve(queries.paths(org)).channels()));
    }
    return answer(org, () -> RuleChannels.of(org, name, from, to,
        ModelSummary.of(queries.byModelAndChannel(org, from, to).getOrDefault(name, Map.of()))));
  }

  /**
   * The last {@code days} days (default 14), or the days from {@code from} to {@code to} (a past
   * range, such as imported history): one or the other.
   */
  private Route timeseries() {
    return withOrganization(org -> parameterOptional("days", daysText -> parameterOptional("from", fromText ->
        parameterOptional("to", toText -> {
          if (fromText.isPresent() || toText.isPresent()) {
            if (daysText.isPresent()) return badParameters(List.of("days: give either days or from and to"));
            return withRange(this::timeseries);
          }
          int days;
          try {
            days = daysText.map(String::trim).map(Integer::parseInt).orElse(14);
          } catch (NumberFormatException e) {
            return badParameters(List.of("days: must be a whole number"));
          }
          if (days < 1 || days > MAX_DAYS) return badParameters(List.of("days: must be between 1 and " + MAX_DAYS));
          var to = answers.today();
          return timeseries(org, to.minusDays(days - 1L), to);
        }))));
  }

  private Route timeseries(String org, LocalDate from, LocalDate to) {
    return answer(org, () -> answers.timeseries(org, from, to));
  }

  private DataDriven dataDriven(String org) throws Exception {
    var paths = queries.paths(org);
    var markov = MarkovAttribution.solve(paths);
    var shapley = paths.channels().size() <= ShapleyAttribution.MAX_CHANNELS ? ShapleyAttribution.solve(paths).channels() : null;
    return new DataDriven(org, paths.journeys(), markov.conversionProbability(), markov.totalConversions(),
        markov.totalValue(), markov.channels(), shapley);
  }

  private Route journey(String userId) {
    return withOrganization(org -> onAnswer(users.journeyUserOf(org, userId).thenCompose(journeyUser ->
            ApiError.whenRejected(profiles.journey(org, journeyUser), JourneyBucket.UNKNOWN_USER, ApiError.NotFound::new)),
        v -> ok(v)));
  }
}
