package dev.beacon.campaign;

import dev.beacon.common.CborSerializable;
import dev.beacon.event.EventType;
import dev.beacon.event.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A campaign's metrics over one range, with the derived KPIs of the old real-time API. Rates are
 * percentages; a rate or average whose denominator is 0 is null. Money is exact decimal. Counts
 * and KPIs are raw (invalid traffic included, as it was served and billed); the {@code valid*}
 * counts leave flagged events out, {@code invalidEvents} counts them and {@code invalidTrafficRate}
 * is their share of all events.
 */
public record CampaignMetrics(
    String campaignId,
    String organizationId,
    Instant timestamp,
    long impressions,
    long clicks,
    long conversions,
    long views,
    long engagements,
    long completions,
    long skips,
    Double ctr,
    Double conversionRate,
    BigDecimal totalSpent,
    BigDecimal conversionValue,
    BigDecimal cpc,
    BigDecimal cpa,
    Double engagementRate,
    Double averageViewTime,
    long sessions,
    Double bounceRate,
    long adPlaybacks,
    Double completionRate,
    Double skipRate,
    long validImpressions,
    long validClicks,
    long validConversions,
    long invalidEvents,
    Double invalidTrafficRate)
    implements CborSerializable {

  static CampaignMetrics of(String organizationId, String campaignId, Instant at, Counters c) {
    var impressions = c.count(EventType.IMPRESSION);
    var clicks = c.count(EventType.CLICK);
    var conversions = c.count(EventType.CONVERSION);
    var views = c.count(EventType.VIEW);
    var engagements = c.count(EventType.ENGAGEMENT);
    var completions = c.count(EventType.COMPLETION);
    var skips = c.count(EventType.SKIP);
    return new CampaignMetrics(
        campaignId, organizationId, at,
        impressions, clicks, conversions, views, engagements, completions, skips,
        percent(clicks, impressions),
        percent(conversions, clicks),
        Money.fromMicros(c.spendMicros),
        Money.fromMicros(c.conversionValueMicros),
        Money.perUnit(c.spendMicros, clicks),
        Money.perUnit(c.spendMicros, conversions),
        percent(engagements, impressions),
        views == 0 ? null : round(c.viewDurationMillis / 1000.0 / views),
        c.sessions,
        percent(c.singleEventSessions, c.sessions),
        views,
        percent(completions, views),
        percent(skips, views),
        c.valid(EventType.IMPRESSION),
        c.valid(EventType.CLICK),
        c.valid(EventType.CONVERSION),
        c.invalidEvents(),
        percent(c.invalidEvents(), c.events()));
  }

  /** One UTC day of a campaign, as the daily endpoint lists it; raw KPIs, and the valid and invalid counts as above. */
  public record Daily(
      LocalDate date, long impressions, long clicks, long conversions, Double ctr,
      Double conversionRate, BigDecimal spent, BigDecimal conversionValue, BigDecimal cpc, BigDecimal cpa,
      long validImpressions, long validClicks, long validConversions, long invalidEvents, Double invalidTrafficRate)
      implements CborSerializable {

    static Daily of(LocalDate date, Counters c) {
      var impressions = c.count(EventType.IMPRESSION);
      var clicks = c.count(EventType.CLICK);
      var conversions = c.count(EventType.CONVERSION);
      return new Daily(date, impressions, clicks, conversions,
          percent(clicks, impressions), percent(conversions, clicks),
          Money.fromMicros(c.spendMicros), Money.fromMicros(c.conversionValueMicros),
          Money.perUnit(c.spendMicros, clicks), Money.perUnit(c.spendMicros, conversions),
          c.valid(EventType.IMPRESSION), c.valid(EventType.CLICK), c.valid(EventType.CONVERSION), c.invalidEvents(),
          percent(c.invalidEvents(), c.events()));
    }
  }

  /** 100·part/whole to four decimals, or null when whole is 0. */
  static Double percent(long part, long whole) {
    return whole == 0 ? null : round(100.0 * part / whole);
  }

  private static double round(double value) {
    return Math.round(value * 10_000.0) / 10_000.0;
  }
}
