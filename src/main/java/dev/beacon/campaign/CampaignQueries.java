package dev.beacon.campaign;

import dev.beacon.event.Money;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Reads campaign metrics from the entities (one campaign, its days, an organisation's dashboard),
 * their alerts and daily budget, and sets the budget.
 */
public final class CampaignQueries {
  private final ClusterSharding sharding;
  private final Duration timeout;
  private final Clock clock;

  public CampaignQueries(ClusterSharding sharding, Duration timeout, Clock clock) {
    this.sharding = sharding;
    this.timeout = timeout;
    this.clock = clock;
  }

  public CompletionStage<CampaignMetrics> metrics(String organizationId, String campaignId, Duration window) {
    return entity(organizationId, campaignId).askWithStatus(replyTo -> new Campaign.GetMetrics(window, replyTo), timeout);
  }

  public CompletionStage<Campaign.DailyMetrics> daily(String organizationId, String campaignId, LocalDate from, LocalDate to) {
    return entity(organizationId, campaignId).askWithStatus(replyTo -> new Campaign.GetDaily(from, to, replyTo), timeout);
  }

  public CompletionStage<Campaign.Configuration> configuration(String organizationId, String campaignId) {
    return entity(organizationId, campaignId).askWithStatus(Campaign.GetConfiguration::new, timeout);
  }

  /** Sets the campaign's daily budget (null clears it). */
  public CompletionStage<Campaign.Configuration> setBudget(String organizationId, String campaignId, BigDecimal dailyBudget) {
    return entity(organizationId, campaignId).askWithStatus(replyTo -> new Campaign.SetBudget(dailyBudget, replyTo), timeout);
  }

  public CompletionStage<Campaign.Alerts> alerts(String organizationId, String campaignId) {
    return entity(organizationId, campaignId).askWithStatus(Campaign.GetAlerts::new, timeout);
  }

  /** One alert of an organisation's campaign, as the organisation's list shows it. */
  public record CampaignAlert(String campaignId, String metric, Instant hour, double value, double expected, double score,
      String direction) {
    public static CampaignAlert of(String campaignId, Alert a) {
      return new CampaignAlert(campaignId, a.metric(), a.hour(), a.value(), a.expected(), a.score(), a.direction());
    }
  }

  public record OrganizationAlerts(String organizationId, List<CampaignAlert> alerts) {}

  /** Every campaign's alerts, newest hour first (by campaign within an hour). */
  public CompletionStage<OrganizationAlerts> alerts(String organizationId) {
    return campaignIds(organizationId).thenCompose(ids -> {
      var asks = new ArrayList<CompletableFuture<Campaign.Alerts>>();
      for (var id : ids) asks.add(alerts(organizationId, id).toCompletableFuture());
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
        var all = new ArrayList<CampaignAlert>();
        for (var ask : asks) {
          var alerts = ask.join();
          for (var alert : alerts.alerts()) all.add(CampaignAlert.of(alerts.campaignId(), alert));
        }
        all.sort(Comparator.comparing(CampaignAlert::hour).reversed().thenComparing(CampaignAlert::campaignId));
        return new OrganizationAlerts(organizationId, all);
      });
    });
  }

  /** The campaigns the organisation has. */
  public CompletionStage<List<String>> campaignIds(String organizationId) {
    return sharding.entityRefFor(OrganizationCampaigns.ENTITY_TYPE_KEY, organizationId)
        .<OrganizationCampaigns.Campaigns>askWithStatus(OrganizationCampaigns.ListCampaigns::new, timeout)
        .thenApply(OrganizationCampaigns.Campaigns::campaignIds);
  }

  private EntityRef<Campaign.Command> entity(String organizationId, String campaignId) {
    return sharding.entityRefFor(Campaign.ENTITY_TYPE_KEY, Campaign.entityId(organizationId, campaignId));
  }

  /** The organisation's dashboard: every campaign it has, over the window, and their sums. */
  public CompletionStage<Dashboard> dashboard(String organizationId, Duration window) {
    return campaignIds(organizationId)
        .thenCompose(ids -> {
          var asks = new ArrayList<CompletableFuture<CampaignMetrics>>();
          for (var id : ids) asks.add(metrics(organizationId, id, window).toCompletableFuture());
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
              .thenApply(v -> Dashboard.of(organizationId, Instant.now(clock), window,
                  asks.stream().map(CompletableFuture::join).toList()));
        });
  }

  /** What the dashboard endpoint answers; the old API's summary fields plus each campaign. */
  public record Dashboard(
      String organizationId, Instant timestamp, Long timeWindow, long totalImpressions, long totalClicks,
      long totalConversions, int activeCampaigns, Double overallCtr, BigDecimal totalSpent,
      BigDecimal totalConversionValue, List<CampaignMetrics> campaigns) {

    public static Dashboard of(String organizationId, Instant at, Duration window, List<CampaignMetrics> campaigns) {
      long impressions = 0, clicks = 0, conversions = 0;
      var spent = BigDecimal.ZERO;
      var value = BigDecimal.ZERO;
      int active = 0;
      for (var m : campaigns) {
        impressions += m.impressions();
        clicks += m.clicks();
        conversions += m.conversions();
        spent = spent.add(m.totalSpent());
        value = value.add(m.conversionValue());
        if (m.impressions() + m.clicks() + m.conversions() + m.views() + m.engagements() + m.completions() + m.skips() > 0) {
          active++;
        }
      }
      return new Dashboard(organizationId, at, window == null ? null : window.toSeconds(), impressions, clicks,
          conversions, active, CampaignMetrics.percent(clicks, impressions), Money.plain(spent),
          Money.plain(value), campaigns);
    }
  }

}
