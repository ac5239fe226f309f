package dev.beacon.journey;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.beacon.attribution.MarkovAttribution;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.attribution.ShapleyAttribution;
import dev.beacon.journey.AttributionQueries.ChannelCredit;
import dev.beacon.journey.AttributionQueries.ChannelSessions;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the attribution routes answer, one record per body: a record's components are its JSON
 * fields, in order. Maps stand only where the keys are data (models, channels).
 */
final class AttributionReplies {
  private AttributionReplies() {}

  /** Conversions and revenue one model credits: the sums, then each channel. */
  record ModelSummary(double conversions, double revenue, List<ChannelCredit> channels) {
    static ModelSummary of(Map<String, ChannelCredit> channels) {
      double conversions = 0, revenue = 0;
      for (var c : channels.values()) {
        conversions += c.conversions();
        revenue += c.revenue();
      }
      return new ModelSummary(round(conversions), round(revenue), List.copyOf(channels.values()));
    }
  }

  /** How a channel's conversions move from first to last click; no percentage without first-click conversions. */
  record Shift(double firstClick, double lastClick, double shift, Double shiftPercent) {
    static Shift of(double first, double last) {
      return new Shift(first, last, round(last - first), first == 0 ? null : round(100.0 * (last - first) / first));
    }
  }

  /** {@code /api/attribution/compare}. */
  record Comparison(String organizationId, LocalDate from, LocalDate to, Map<String, ModelSummary> models,
      Map<String, Shift> firstToLastClickShift, List<ChannelSessions> sessions) {

    static Comparison of(String organizationId, LocalDate from, LocalDate to,
        Map<String, Map<String, ChannelCredit>> byModel, List<ChannelSessions> sessions) {
      var models = new LinkedHashMap<String, ModelSummary>();
      for (var model : RuleBasedAttribution.MODELS) models.put(model, ModelSummary.of(byModel.getOrDefault(model, Map.of())));
      var first = byModel.getOrDefault(RuleBasedAttribution.FIRST_CLICK, Map.of());
      var last = byModel.getOrDefault(RuleBasedAttribution.LAST_CLICK, Map.of());
      var channels = new TreeSet<>(first.keySet());
      channels.addAll(last.keySet());
      var shifts = new TreeMap<String, Shift>();
      for (var channel : channels) shifts.put(channel, Shift.of(conversions(first.get(channel)), conversions(last.get(channel))));
      return new Comparison(organizationId, from, to, models, shifts, sessions);
    }

    private static double conversions(ChannelCredit credit) {
      return credit == null ? 0 : credit.conversions();
    }
  }

  /** {@code /api/attribution/channels} for a rule-based model: the range and the model's summary. */
  record RuleChannels(String organizationId, String model, LocalDate from, LocalDate to, double conversions,
      double revenue, List<ChannelCredit> channels) {
    static RuleChannels of(String organizationId, String model, LocalDate from, LocalDate to, ModelSummary summary) {
      return new RuleChannels(organizationId, model, from, to, summary.conversions(), summary.revenue(), summary.channels());
    }
  }

  /** {@code /api/attribution/channels} for markov or shapley: every path, no range. */
  record DataDrivenChannels(String organizationId, String model, String note, List<?> channels) {
    static final String NOTE = "data-driven models use every journey path of the organisation, not a date range";
  }

  record Amount(double conversions, double revenue) {
    static final Amount NONE = new Amount(0.0, 0.0);
  }

  /** One day of {@code /api/attribution/timeseries}: the date, then one field per model. */
  record Day(LocalDate date, @JsonIgnore Map<String, Amount> models) {
    @JsonAnyGetter
    Map<String, Amount> byModel() {
      return models;
    }
  }

  record Timeseries(String organizationId, List<Day> days) {}

  /** {@code /api/attribution/markov}: removal effects, and Shapley values when there are few enough channels. */
  record DataDriven(String organizationId, long journeys, double conversionProbability, long totalConversions,
      double totalValue, List<MarkovAttribution.ChannelResult> channels, List<ShapleyAttribution.ChannelResult> shapley) {}


  static double round(double value) {
    return Math.round(value * 1_000_000.0) / 1_000_000.0;
  }
}
