package dev.beacon.report;

import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.campaign.CampaignQueries.CampaignAlert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One organisation's report of one UTC day: per campaign its KPIs (from the campaign entities;
 * raw, as served and billed, with the valid counts and the invalid traffic beside them),
 * its conversions and revenue under each rule-based attribution model (first vs last click and
 * the others, from the read side) and how many anomaly alerts it raised; the organisation's
 * credit per model, and every alert of the day. As JSON, or as CSV: one row per campaign.
 */
public record DailyReport(
    String organizationId, LocalDate date, List<CampaignRow> campaigns, Map<String, Credit> attribution,
    List<CampaignAlert> alerts) {

  public DailyReport {
    campaigns = List.copyOf(campaigns);
    attribution = inModelOrder(attribution);
    alerts = List.copyOf(alerts);
  }

  /** Conversions and revenue credited under one model. */
  public record Credit(double conversions, double revenue) {
    static final Credit NONE = new Credit(0, 0);
  }

  /**
   * One campaign's day. A campaign the journeys credit but whose events the campaign entities did
   * not count (a UTM campaign of a web page) has zeros for its KPIs and nulls for its rates.
   */
  public record CampaignRow(
      String campaignId, long impressions, long clicks, long conversions, Double ctr, Double conversionRate,
      BigDecimal spent, BigDecimal conversionValue, BigDecimal cpc, BigDecimal cpa, long validImpressions,
      long validClicks, long validConversions, long invalidEvents, Double invalidTrafficRate, Map<String, Credit> attribution,
      int alerts) {
    public CampaignRow {
      attribution = inModelOrder(attribution);
    }
  }

  /** The models in {@link RuleBasedAttribution#MODELS}' order (first click, last click, …), then any other. */
  private static Map<String, Credit> inModelOrder(Map<String, Credit> credits) {
    var ordered = new LinkedHashMap<String, Credit>();
    for (var model : RuleBasedAttribution.MODELS) if (credits.containsKey(model)) ordered.put(model, credits.get(model));
    new TreeMap<>(credits).forEach(ordered::putIfAbsent);
    return Collections.unmodifiableMap(ordered);
  }

  /** Quotes a value only when it must (a comma, a quote, a line break), not every long one. */
  private static final CsvMapper CSV = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

  /** The CSV columns, in order. */
  static List<String> columns() {
    var columns = new ArrayList<>(List.of("date", "organization_id", "campaign_id", "impressions", "clicks", "conversions",
        "ctr", "conversion_rate", "spent", "conversion_value", "cpc", "cpa", "valid_impressions", "valid_clicks",
        "valid_conversions", "invalid_events", "invalid_traffic_rate"));
    for (var model : RuleBasedAttribution.MODELS) {
      columns.add(model + "_conversions");
      columns.add(model + "_revenue");
    }
    columns.add("alerts");
    columns.add("alert_metrics");
    return columns;
  }

  /** RFC 4180 CSV with a header row: one row per campaign; rates in percent, money in currency units, empty for none. */
  public String csv() {
    var schema = CsvSchema.builder().addColumns(columns(), CsvSchema.ColumnType.STRING).build().withHeader();
    var rows = new ArrayList<List<String>>();
    for (var c : campaigns) {
      var row = new ArrayList<>(List.of(date.toString(), organizationId, c.campaignId(), Long.toString(c.impressions()),
          Long.toString(c.clicks()), Long.toString(c.conversions()), text(c.ctr()), text(c.conversionRate()), text(c.spent()),
          text(c.conversionValue()), text(c.cpc()), text(c.cpa()), Long.toString(c.validImpressions()),
          Long.toString(c.validClicks()), Long.toString(c.validConversions()), Long.toString(c.invalidEvents()),
          text(c.invalidTrafficRate())));
      for (var model : RuleBasedAttribution.MODELS) {
        var credit = c.attribution().getOrDefault(model, Credit.NONE);
        row.add(Double.toString(credit.conversions()));
        row.add(Double.toString(credit.revenue()));
      }
      row.add(Integer.toString(c.alerts()));
      row.add(String.join(";", alerts.stream().filter(a -> a.campaignId().equals(c.campaignId()))
          .map(CampaignAlert::metric).distinct().sorted().toList()));
      rows.add(row);
    }
    try {
      return CSV.writer(schema).writeValueAsString(rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(Object value) {
    if (value == null) return "";
    return value instanceof BigDecimal d ? d.toPlainString() : value.toString();
  }
}
