package dev.beacon.campaign;

import dev.beacon.event.Money;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Reads campaign metrics from the entities: one campaign, its days, an organisation's dashboard. */
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
    return sharding.entityRefFor(Campaign.ENTITY_TYPE_KEY, Campaign.entityId(organizationId, campaignId))
        .askWithStatus(replyTo -> new Campaign.GetMetrics(window, replyTo), timeout);
  }

  public CompletionStage<Campaign.DailyMetrics> daily(String organizationId, String campaignId, LocalDate from, LocalDate to) {
    return sharding.entityRefFor(Campaign.ENTITY_TYPE_KEY, Campaign.entityId(organizationId, campaignId))
        .askWithStatus(replyTo -> new Campaign.GetDaily(from, to, replyTo), timeout);
  }

  /** The organisation's dashboard: every campaign it has, over the window, and their sums. */
  public CompletionStage<Dashboard> dashboard(String organizationId, Duration window) {
    return sharding.entityRefFor(OrganizationCampaigns.ENTITY_TYPE_KEY, organizationId)
        .<OrganizationCampaigns.Campaigns>askWithStatus(OrganizationCampaigns.ListCampaigns::new, timeout)
        .thenCompose(list -> {
          var asks = new ArrayList<CompletableFuture<CampaignMetrics>>();
          for (var id : list.campaignIds()) asks.add(metrics(organizationId, id, window).toCompletableFuture());
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
