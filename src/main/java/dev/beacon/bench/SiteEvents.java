package dev.beacon.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a shop's site sends, before any wire format: visits of {@value #VISIT} events of one user
 * (GA4's most per Measurement Protocol request, so that such a request carries one visit), of
 * {@value #USERS} users, each of whom came from one of {@value #CAMPAIGNS} campaigns (its UTM
 * name, source and medium on every event of theirs, and in the page's URL). Of the events,
 * seven in ten are page views, a quarter promotion clicks and one in twenty a purchase (with a
 * value and an order id). A user has a known id, and an anonymous one that a browser sends
 * before sign-in. Event times run forward over the last half hour (longer for more than 1.8
 * million events), a millisecond or more apart, so no two events of a user share a time (an
 * event without an id is known by its content, time included). Every name carries a prefix, so
 * that two sets of events never share an id, a user or a campaign. Seeded.
 */
final class SiteEvents {
  static final int VISIT = 25;
  static final int USERS = 5_000;
  static final int CAMPAIGNS = 40;
  private static final long SPAN_MILLIS = 30 * 60_000L;
  private static final String[][] SOURCES = {
      {"google", "cpc"}, {"newsletter", "email"}, {"facebook", "paid_social"}, {"partner", "affiliate"}};

  enum Kind { PAGE_VIEW, PROMOTION_CLICK, PURCHASE }

  /** One event: {@code visit} counts the visits of a set of events; {@code cents} and {@code orderId} for purchases only. */
  record Site(Kind kind, String id, int visit, String userId, String anonymousId, String campaign, String source,
      String medium, long timeMillis, String url, long cents, String orderId) {}

  private SiteEvents() {}

  /** {@code n} events whose ids, users and campaigns all begin with {@code prefix}, the last of them at {@code nowMillis}. */
  static List<Site> make(String prefix, int n, long seed, long nowMillis) {
    var random = new SplittableRandom(seed);
    // a millisecond apart at least, however many
    var span = Math.max(SPAN_MILLIS, n);
    var events = new ArrayList<Site>(n);
    var user = 0;
    for (int i = 0; i < n; i++) {
      if (i % VISIT == 0) user = random.nextInt(USERS);
      var campaign = user % CAMPAIGNS;
      var source = SOURCES[campaign % SOURCES.length];
      var roll = random.nextInt(100);
      var kind = roll < 70 ? Kind.PAGE_VIEW : roll < 95 ? Kind.PROMOTION_CLICK : Kind.PURCHASE;
      var at = nowMillis - span + (long) (i + 1) * span / n;
      var campaignName = prefix + "-spring-sale-" + campaign;
      var url = "https://shop.example/" + (kind == Kind.PURCHASE ? "checkout/done" : "p/" + random.nextInt(500))
          + "?utm_source=" + source[0] + "&utm_medium=" + source[1] + "&utm_campaign=" + campaignName;
      var cents = kind == Kind.PURCHASE ? random.nextLong(1_000, 30_000) : 0;
      events.add(new Site(kind, prefix + "-" + i, i / VISIT, prefix + "-user-" + user, prefix + "-anon-" + user,
          campaignName, source[0], source[1], at, url, cents, kind == Kind.PURCHASE ? prefix + "-order-" + i : null));
    }
    return events;
  }
}
