package dev.beacon.journey;

import dev.beacon.attribution.MarkovAttribution;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.attribution.ShapleyAttribution;
import static dev.beacon.common.HttpJson.error;
import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;

import dev.beacon.common.QueryParams;
import java.time.Clock;
import java.time.Duration;
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
import java.util.concurrent.Executor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * Attribution and journeys over HTTP: {@code /api/attribution/compare}, {@code /channels},
 * {@code /timeseries}, {@code /markov}, {@code /api/users/{userId}/journey} and
 * {@code /api/analytics/events/live}. Rule-based models come from the read tables; Markov and
 * Shapley are solved on demand from the organisation's conversion paths.
 */
final class AttributionRoutes extends AllDirectives {
  static final List<String> DATA_DRIVEN = List.of("markov", "shapley");
  private static final int MAX_DAYS = 366;
  private final AttributionQueries queries;
  private final ClusterSharding sharding;
  private final JourneySettings settings;
  private final Executor blocking;
  private final Duration timeout;
  private final Clock clock;

  public AttributionRoutes(AttributionQueries queries, ClusterSharding sharding, JourneySettings settings,
      Executor blocking, Duration timeout, Clock clock) {
    this.queries = queries;
    this.sharding = sharding;
    this.settings = settings;
    this.blocking = blocking;
    this.timeout = timeout;
    this.clock = clock;
  }

  public Route routes() {
    return get(() -> pathPrefix("api", () -> concat(
        pathPrefix("attribution", () -> concat(
            path("compare", () -> withRange((org, from, to) -> answer(org, () -> compare(org, from, to)))),
            path("channels", () -> parameterOptional("model", model -> withRange((org, from, to) -> channels(org, model, from, to)))),
            path("timeseries", this::timeseries),
            path("markov", () -> withOrganization(org -> answer(org, () -> dataDriven(org)))))),
        path(PathMatchers.segment("users").slash(PathMatchers.segment()).slash("journey"), this::journey),
        path(PathMatchers.segment("analytics").slash("events").slash("live"), this::live))));
  }

  private interface Ranged {
    Route apply(String organizationId, LocalDate from, LocalDate to);
  }

  private interface Blocking {
    Object get() throws Exception;
  }

  /** Runs a read off the actor threads; an organisation with nothing on the read side is 404. */
  private Route answer(String organizationId, Blocking read) {
    var result = CompletableFuture.supplyAsync(() -> {
      try {
        if (!queries.knows(organizationId)) throw new CompletionException(new StatusReply.ErrorMessage("unknown organization " + organizationId));
        return read.get();
      } catch (CompletionException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking);
    return onAnswer(result, body -> ok(body));
  }

  private Route withOrganization(java.util.function.Function<String, Route> inner) {
    return parameterOptional("organizationId", org -> {
      if (org.isEmpty() || org.get().isBlank()) return error(StatusCodes.BAD_REQUEST, "bad parameters", List.of("organizationId: required"));
      return inner.apply(org.get());
    });
  }

  /** organizationId, from and to (YYYY-MM-DD; default the last 30 days, at most a year). */
  private Route withRange(Ranged inner) {
    return withOrganization(org -> parameterOptional("from", from -> parameterOptional("to", to -> {
      var reasons = new ArrayList<String>();
      var today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
      var toDate = QueryParams.date(to, "to", reasons).orElse(today);
      var fromDate = QueryParams.date(from, "from", reasons).orElse(toDate.minusDays(29));
      if (reasons.isEmpty() && fromDate.isAfter(toDate)) reasons.add("from: must not be after to");
      if (reasons.isEmpty() && fromDate.plusDays(MAX_DAYS).isBefore(toDate)) reasons.add("from: at most " + MAX_DAYS + " days before to");
      if (!reasons.isEmpty()) return error(StatusCodes.BAD_REQUEST, "bad parameters", reasons);
      return inner.apply(org, fromDate, toDate);
    })));
  }

  private Map<String, Object> compare(String org, LocalDate from, LocalDate to) throws Exception {
    var byModel = queries.byModelAndChannel(org, from, to);
    var models = new LinkedHashMap<String, Object>();
    for (var model : RuleBasedAttribution.MODELS) models.put(model, summary(byModel.getOrDefault(model, Map.of())));
    var first = byModel.getOrDefault(RuleBasedAttribution.FIRST_CLICK, Map.of());
    var last = byModel.getOrDefault(RuleBasedAttribution.LAST_CLICK, Map.of());
    var channels = new TreeMap<String, Object>();
    for (var channel : union(first.keySet(), last.keySet())) {
      var f = first.get(channel);
      var l = last.get(channel);
      var fc = f == null ? 0 : f.conversions();
      var lc = l == null ? 0 : l.conversions();
      var shift = new LinkedHashMap<String, Object>();
      shift.put("firstClick", fc);
      shift.put("lastClick", lc);
      shift.put("shift", round(lc - fc));
      shift.put("shiftPercent", fc == 0 ? null : round(100.0 * (lc - fc) / fc));
      channels.put(channel, shift);
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("organizationId", org);
    body.put("from", from);
    body.put("to", to);
    body.put("models", models);
    body.put("firstToLastClickShift", channels);
    body.put("sessions", queries.sessionsByChannel(org, from, to));
    return body;
  }

  private static Map<String, Object> summary(Map<String, AttributionQueries.ChannelCredit> channels) {
    double conversions = 0, revenue = 0;
    for (var c : channels.values()) {
      conversions += c.conversions();
      revenue += c.revenue();
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("conversions", round(conversions));
    body.put("revenue", round(revenue));
    body.put("channels", List.copyOf(channels.values()));
    return body;
  }

  private Route channels(String org, Optional<String> model, LocalDate from, LocalDate to) {
    var name = model.orElse(RuleBasedAttribution.LAST_CLICK);
    if (!RuleBasedAttribution.MODELS.contains(name) && !DATA_DRIVEN.contains(name)) {
      var known = new ArrayList<>(RuleBasedAttribution.MODELS);
      known.addAll(DATA_DRIVEN);
      return error(StatusCodes.BAD_REQUEST, "bad parameters", List.of("model: unknown model '" + name + "', one of " + known));
    }
    return answer(org, () -> {
      var body = new LinkedHashMap<String, Object>();
      body.put("organizationId", org);
      body.put("model", name);
      if (DATA_DRIVEN.contains(name)) {
        body.put("note", "data-driven models use every journey path of the organisation, not a date range");
        body.put("channels", name.equals("markov") ? MarkovAttribution.solve(queries.paths(org)).channels()
            : ShapleyAttribution.solve(queries.paths(org)).channels());
      } else {
        body.put("from", from);
        body.put("to", to);
        body.putAll(summary(queries.byModelAndChannel(org, from, to).getOrDefault(name, Map.of())));
      }
      return body;
    });
  }

  private Route timeseries() {
    return withOrganization(org -> parameterOptional("days", daysText -> {
      int days;
      try {
        days = daysText.map(String::trim).map(Integer::parseInt).orElse(14);
      } catch (NumberFormatException e) {
        return error(StatusCodes.BAD_REQUEST, "bad parameters", List.of("days: must be a whole number"));
      }
      if (days < 1 || days > MAX_DAYS) return error(StatusCodes.BAD_REQUEST, "bad parameters", List.of("days: must be between 1 and " + MAX_DAYS));
      var to = LocalDate.now(clock.withZone(ZoneOffset.UTC));
      var from = to.minusDays(days - 1L);
      return answer(org, () -> {
        var byDay = new TreeMap<LocalDate, Map<String, Object>>();
        for (var d = from; !d.isAfter(to); d = d.plusDays(1)) {
          var row = new LinkedHashMap<String, Object>();
          row.put("date", d);
          for (var model : RuleBasedAttribution.MODELS) row.put(model, Map.of("conversions", 0.0, "revenue", 0.0));
          byDay.put(d, row);
        }
        for (var credit : queries.daily(org, from, to)) {
          byDay.get(credit.day()).put(credit.model(), Map.of("conversions", credit.conversions(), "revenue", credit.revenue()));
        }
        return Map.of("organizationId", org, "days", List.copyOf(byDay.values()));
      });
    }));
  }

  private Map<String, Object> dataDriven(String org) throws Exception {
    var paths = queries.paths(org);
    var markov = MarkovAttribution.solve(paths);
    var body = new LinkedHashMap<String, Object>();
    body.put("organizationId", org);
    body.put("journeys", paths.journeys());
    body.put("conversionProbability", markov.conversionProbability());
    body.put("totalConversions", markov.totalConversions());
    body.put("totalValue", markov.totalValue());
    body.put("channels", markov.channels());
    body.put("shapley", paths.channels().size() <= ShapleyAttribution.MAX_CHANNELS ? ShapleyAttribution.solve(paths).channels() : null);
    return body;
  }

  private Route journey(String userId) {
    return withOrganization(org -> {
      var entityId = JourneyBucket.entityId(org, userId, settings.bucketsPerOrganization());
      return onAnswer(sharding.entityRefFor(JourneyBucket.ENTITY_TYPE_KEY, entityId)
          .<JourneyBucket.UserJourneyView>askWithStatus(replyTo -> new JourneyBucket.GetUserJourney(userId, replyTo), timeout), view -> ok(view));
    });
  }

  private Route live() {
    return withOrganization(org -> parameterOptional("limit", limitText -> {
      int limit;
      try {
        limit = limitText.map(String::trim).map(Integer::parseInt).orElse(20);
      } catch (NumberFormatException e) {
        return error(StatusCodes.BAD_REQUEST, "bad parameters", List.of("limit: must be a whole number"));
      }
      if (limit < 1 || limit > 1000) return error(StatusCodes.BAD_REQUEST, "bad parameters", List.of("limit: must be between 1 and 1000"));
      return answer(org, () -> Map.of("organizationId", org, "events", queries.liveFeed(org, limit)));
    }));
  }

  private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    var all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return all;
  }


  private static double round(double value) {
    return Math.round(value * 1_000_000.0) / 1_000_000.0;
  }
}
