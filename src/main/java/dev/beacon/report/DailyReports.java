package dev.beacon.report;

import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignMetrics;
import dev.beacon.campaign.CampaignQueries;
import dev.beacon.campaign.CampaignQueries.CampaignAlert;
import dev.beacon.common.Sql;
import dev.beacon.report.DailyReport.CampaignRow;
import dev.beacon.report.DailyReport.Credit;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Builds an organisation's {@link DailyReport}: what the server's route and the {@code report}
 * command both answer, from the same sources (the campaign entities for KPIs and alerts, the
 * read side's {@code attribution_daily} for the models), so they give the same figures.
 */
public final class DailyReports {
  private final CampaignQueries campaigns;
  private final DataSource readSide;
  private final Executor blocking;

  /** {@code blocking}: where the read-side query runs. */
  public DailyReports(CampaignQueries campaigns, DataSource readSide, Executor blocking) {
    this.campaigns = campaigns;
    this.readSide = readSide;
    this.blocking = blocking;
  }

  public CompletionStage<DailyReport> report(String organizationId, LocalDate date) {
    var credits = CompletableFuture.supplyAsync(() -> {
      try {
        return credits(organizationId, date);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
    var alerts = campaigns.alerts(organizationId).toCompletableFuture();
    var days = campaigns.campaignIds(organizationId).thenCompose(ids -> {
      var asks = new ArrayList<CompletableFuture<Campaign.DailyMetrics>>();
      for (var id : ids) asks.add(campaigns.daily(organizationId, id, date, date).toCompletableFuture());
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
          .thenApply(v -> asks.stream().map(CompletableFuture::join).toList());
    }).toCompletableFuture();
    return CompletableFuture.allOf(credits, alerts, days)
        .thenApply(v -> assemble(organizationId, date, days.join(), credits.join(), alerts.join().alerts()));
  }

  private static DailyReport assemble(String organizationId, LocalDate date, List<Campaign.DailyMetrics> days,
      Map<String, Map<String, Credit>> credits, List<CampaignAlert> allAlerts) {
    var alerts = allAlerts.stream().filter(a -> a.hour().atZone(ZoneOffset.UTC).toLocalDate().equals(date)).toList();
    var kpis = new HashMap<String, CampaignMetrics.Daily>();
    for (var d : days) {
      var day = d.days().get(0);
      if (day.impressions() + day.clicks() + day.conversions() > 0 || day.spent().signum() != 0) kpis.put(d.campaignId(), day);
    }
    var ids = new TreeSet<>(kpis.keySet());
    ids.addAll(credits.keySet());
    alerts.forEach(a -> ids.add(a.campaignId()));
    var rows = new ArrayList<CampaignRow>();
    var totals = new TreeMap<String, Credit>();
    for (var id : ids) {
      var k = kpis.get(id);
      var credit = credits.getOrDefault(id, Map.of());
      credit.forEach((model, c) -> totals.merge(model, c, (a, b) -> new Credit(round(a.conversions() + b.conversions()),
          round(a.revenue() + b.revenue()))));
      var raised = (int) alerts.stream().filter(a -> a.campaignId().equals(id)).count();
      rows.add(k == null
          ? new CampaignRow(id, 0, 0, 0, null, null, BigDecimal.ZERO, BigDecimal.ZERO, null, null, 0, 0, 0, 0, null, credit,
              raised)
          : new CampaignRow(id, k.impressions(), k.clicks(), k.conversions(), k.ctr(), k.conversionRate(), k.spent(),
              k.conversionValue(), k.cpc(), k.cpa(), k.validImpressions(), k.validClicks(), k.validConversions(),
              k.invalidEvents(), k.invalidTrafficRate(), credit, raised));
    }
    return new DailyReport(organizationId, date, rows, totals, alerts);
  }

  /** Campaign → model → credit on that day, summed over channels and the projection's slices. */
  private Map<String, Map<String, Credit>> credits(String organizationId, LocalDate date) throws SQLException {
    var result = new TreeMap<String, Map<String, Credit>>();
    Sql.forEach(readSide, """
        SELECT campaign, attribution_model, SUM(conversions), SUM(revenue) FROM attribution_daily
        WHERE organization_id = ? AND event_day = ?
        GROUP BY campaign, attribution_model
        HAVING ABS(SUM(conversions)) > 0.000000001 OR ABS(SUM(revenue)) > 0.000000001""",
        rs -> result.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
            .put(rs.getString(2), new Credit(round(rs.getDouble(3)), round(rs.getDouble(4)))),
        organizationId, date);
    return result;
  }

  private static double round(double value) {
    return Math.round(value * 1_000_000.0) / 1_000_000.0;
  }
}
