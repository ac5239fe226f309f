package dev.beacon.simulate;

import dev.beacon.simulate.Catalogue.Product;
import dev.beacon.simulate.Catalogue.Source;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Plans one user's journey as an ordered list of steps: ad events (impressions and the like, a
 * click) from a paid source, then a site visit (landing page, page views, add_to_cart,
 * begin_checkout, purchase) with drop-off at each step, then the campaign's conversion. Unpaid
 * sources (organic, direct, email, referral) bring site visits only; bots click many times
 * within a second and never visit. Pure: the caller's {@link Random} decides everything.
 */
final class JourneyPlanner {
  enum Kind {
    IMPRESSION, VIEW, ENGAGEMENT, COMPLETION, SKIP, CLICK, CONVERSION,
    PAGE_VIEW, ADD_TO_CART, BEGIN_CHECKOUT, PURCHASE;

    /** Campaign events are ad events; the others are GA4 site events. */
    boolean isAd() {
      return ordinal() <= CONVERSION.ordinal();
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  record Line(Product product, int quantity) {
    BigDecimal total() {
      return product.price().multiply(BigDecimal.valueOf(quantity));
    }
  }

  /**
   * One planned event. {@code gapMillis} is the planned time since the previous step; a sticky
   * step follows its predecessor at once (bot clicks). A landing step carries the visit's
   * traffic source ({@code source}, {@code campaign}, UTM-tagged {@code pageLocation}); a step
   * with {@code newSession} opens a new session (a later return visit).
   */
  record Step(Kind kind, long gapMillis, boolean sticky, boolean landing, boolean newSession, Source source, String campaign,
      String path, String pageLocation, String referrer, BigDecimal value, BigDecimal durationSeconds,
      List<Line> items, String transactionId, long engagementMillis) {}

  /** A journey: its source, the campaign its ads belong to (or null), whether a bot runs it, and its steps. */
  record Plan(Source source, String campaignId, boolean bot, List<Step> steps) {}

  private final TrafficMix mix;

  JourneyPlanner(TrafficMix mix) {
    this.mix = mix;
  }

  /** A journey drawn from the mix; may be empty when a paid user neither sees nor clicks anything. */
  Plan plan(Random random, String campaign, Supplier<String> transactionIds) {
    var source = Catalogue.weighted(Catalogue.SOURCES, Source::weight, random);
    var steps = new ArrayList<Step>();
    if (!source.paid()) {
      visit(steps, random, source, source.tagged() ? campaign : null, null, source.siteConversion(), false,
          transactionIds, 2.0);
      return new Plan(source, source.tagged() ? campaign : null, false, withEngagement(steps, random));
    }
    if (random.nextDouble() < mix.botRate()) return bot(random, source, campaign);
    adEvents(steps, random, source, impressions(mix.meanImpressions(), random), geometric(mix.meanOtherAdEvents(), random));
    if (random.nextDouble() < mix.clickProbability()) {
      var landing = click(steps, random, source, campaign);
      var purchased = visit(steps, random, source, campaign, landing, mix.purchaseAfterClick(), false, transactionIds, 2.0);
      if (purchased) conversion(steps, random);
    } else if (!steps.isEmpty() && random.nextDouble() < mix.viewThroughConversion()) {
      visit(steps, random, Catalogue.DIRECT, null, null, 1.0, true, transactionIds, 1.0);
      conversion(steps, random);
    }
    return new Plan(source, campaign, false, withEngagement(steps, random));
  }

  /** One complete journey from a paid source: impressions, a click, the whole funnel, a purchase, its conversion. */
  Plan complete(Random random, String campaign, Supplier<String> transactionIds) {
    var source = Catalogue.weighted(Catalogue.PAID, Source::weight, random);
    var steps = new ArrayList<Step>();
    adEvents(steps, random, source, 1 + random.nextInt(3), random.nextInt(2));
    var landing = click(steps, random, source, campaign);
    visit(steps, random, source, campaign, landing, 1.0, false, transactionIds, 1.5);
    conversion(steps, random);
    return new Plan(source, campaign, false, withEngagement(steps, random));
  }

  private Plan bot(Random random, Source source, String campaign) {
    var steps = new ArrayList<Step>();
    adEvents(steps, random, source, 1, 0);
    var clicks = 6 + random.nextInt(15);
    for (int i = 0; i < clicks; i++) {
      steps.add(ad(Kind.CLICK, Catalogue.between(30, 150, random), true, source, cpc(source, random), null, null));
    }
    return new Plan(source, campaign, true, steps);
  }

  private static void adEvents(List<Step> steps, Random random, Source source, int impressions, int others) {
    var kinds = new ArrayList<Kind>();
    for (int i = 0; i < impressions; i++) kinds.add(Kind.IMPRESSION);
    for (int i = 0; i < others; i++) kinds.add(otherKind(source, random));
    // the first ad event a user meets is an impression whenever there is one
    for (int i = kinds.size() - 1; i > 1; i--) Collections.swap(kinds, i, 1 + random.nextInt(i));
    for (var kind : kinds) {
      var gap = steps.isEmpty() ? 0 : Catalogue.between(2_000, 120_000, random);
      var value = kind == Kind.IMPRESSION ? BigDecimal.valueOf(Catalogue.between(source.cpmLowCents(), source.cpmHighCents(), random) * 10, 6) : null;
      var duration = kind == Kind.VIEW || kind == Kind.COMPLETION ? BigDecimal.valueOf(Catalogue.between(30, 450, random), 1) : null;
      steps.add(ad(kind, gap, false, source, value, duration, null));
    }
  }

  private static Kind otherKind(Source source, Random random) {
    var pick = random.nextInt(10);
    if (source.video()) return pick < 5 ? Kind.VIEW : pick < 8 ? Kind.COMPLETION : Kind.SKIP;
    return pick < 6 ? Kind.ENGAGEMENT : Kind.VIEW;
  }

  /** A click on the campaign's ad; returns the landing page URL it leads to. */
  private static String click(List<Step> steps, Random random, Source source, String campaign) {
    var gap = steps.isEmpty() ? 0 : Catalogue.between(1_000, 30_000, random);
    var landing = Catalogue.SHOP + "/lp/" + encode(campaign) + utm(source, campaign, random);
    steps.add(ad(Kind.CLICK, gap, false, source, cpc(source, random), null, landing));
    return landing;
  }

  private static BigDecimal cpc(Source source, Random random) {
    return BigDecimal.valueOf(Catalogue.between(source.cpcLowCents(), source.cpcHighCents(), random), 2);
  }

  private static void conversion(List<Step> steps, Random random) {
    var purchase = steps.get(steps.size() - 1);
    steps.add(new Step(Kind.CONVERSION, Catalogue.between(1_000, 5_000, random), false, false, false, null, null, null,
        null, null, purchase.value(), null, List.of(), purchase.transactionId(), 0));
  }

  private static Step ad(Kind kind, long gap, boolean sticky, Source source, BigDecimal value, BigDecimal duration, String pageLocation) {
    return new Step(kind, gap, sticky, false, false, source, null, null, pageLocation, null, value, duration, List.of(), null, 0);
  }

  /**
   * A site visit: landing page, more page views, then add_to_cart, begin_checkout and purchase,
   * each reached with a share of the visits before it so that {@code purchaseShare} of visits buy.
   * A visit from an ad click lands on the click's URL. Returns whether the visit ended in a purchase.
   */
  private static boolean visit(List<Step> steps, Random random, Source source, String campaign, String landingUrl,
      double purchaseShare, boolean newSession, Supplier<String> transactionIds, double meanExtraViews) {
    var landingProduct = Catalogue.any(Catalogue.PRODUCTS, random);
    var path = landingPath(source, campaign, landingProduct);
    var location = landingUrl != null ? landingUrl : Catalogue.SHOP + path + utm(source, campaign, random);
    var gap = steps.isEmpty() ? 0 : newSession ? Catalogue.between(3_600_000, 72 * 3_600_000L, random) : Catalogue.between(500, 4_000, random);
    steps.add(new Step(Kind.PAGE_VIEW, gap, false, true, newSession || steps.isEmpty(), source, campaignParam(source, campaign), path,
        location, source.referrer(), null, null, List.of(), null, 0));
    var viewed = landingProduct;
    for (int i = geometric(meanExtraViews, random); i > 0; i--) {
      viewed = Catalogue.any(Catalogue.PRODUCTS, random);
      steps.add(site(Kind.PAGE_VIEW, Catalogue.between(5_000, 90_000, random), viewed.path(), null, List.of(), null));
    }
    if (random.nextDouble() >= Math.sqrt(purchaseShare)) return false;
    var cart = new ArrayList<Line>();
    cart.add(new Line(viewed, 1 + random.nextInt(2)));
    if (random.nextInt(4) == 0) cart.add(new Line(Catalogue.any(Catalogue.PRODUCTS, random), 1));
    steps.add(site(Kind.ADD_TO_CART, Catalogue.between(5_000, 60_000, random), viewed.path(), total(cart), cart, null));
    if (random.nextDouble() >= Math.sqrt(Math.sqrt(purchaseShare))) return false;
    steps.add(site(Kind.BEGIN_CHECKOUT, Catalogue.between(10_000, 120_000, random), "/checkout", total(cart), cart, null));
    if (random.nextDouble() >= Math.sqrt(Math.sqrt(purchaseShare))) return false;
    steps.add(site(Kind.PURCHASE, Catalogue.between(30_000, 300_000, random), "/checkout/thank-you", total(cart), cart,
        transactionIds.get()));
    return true;
  }

  private static Step site(Kind kind, long gap, String path, BigDecimal value, List<Line> items, String transactionId) {
    return new Step(kind, gap, false, false, false, null, null, path, Catalogue.SHOP + path, null, value, null,
        List.copyOf(items), transactionId, 0);
  }

  private static BigDecimal total(List<Line> lines) {
    var sum = BigDecimal.ZERO;
    for (var line : lines) sum = sum.add(line.total());
    return sum;
  }

  private static String landingPath(Source source, String campaign, Product product) {
    if (source.paid() || (source.tagged() && campaign != null)) return "/lp/" + encode(campaign);
    if (source.medium().equals("(none)")) return "/";
    return product.path();
  }

  /** GA4's campaign value: the campaign itself, else the placeholder GA4 writes for the medium. */
  private static String campaignParam(Source source, String campaign) {
    if (campaign != null) return campaign;
    return switch (source.medium()) {
      case "organic" -> "(organic)";
      case "referral" -> "(referral)";
      default -> "(direct)";
    };
  }

  private static String utm(Source source, String campaign, Random random) {
    if (!source.tagged() || campaign == null) return "";
    var query = "?utm_source=" + encode(source.source()) + "&utm_medium=" + encode(source.medium())
        + "&utm_campaign=" + encode(campaign);
    if (source.clickIdParam() != null) query += "&" + source.clickIdParam() + "=" + Long.toHexString(random.nextLong());
    return query;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Site steps get the time spent on them (until the next step, at most 10 minutes) as engagement. */
  private static List<Step> withEngagement(List<Step> steps, Random random) {
    var result = new ArrayList<Step>(steps.size());
    for (int i = 0; i < steps.size(); i++) {
      var step = steps.get(i);
      if (step.kind().isAd()) {
        result.add(step);
        continue;
      }
      var next = i + 1 < steps.size() ? steps.get(i + 1) : null;
      var engaged = next != null && !next.kind().isAd() && !next.landing()
          ? Math.min(next.gapMillis(), 600_000) : Catalogue.between(2_000, 30_000, random);
      result.add(new Step(step.kind(), step.gapMillis(), step.sticky(), step.landing(), step.newSession(), step.source(), step.campaign(),
          step.path(), step.pageLocation(), step.referrer(), step.value(), step.durationSeconds(), step.items(),
          step.transactionId(), engaged));
    }
    return List.copyOf(result);
  }

  /** At least one impression when the mean allows it, so that a click follows an impression. */
  private static int impressions(double mean, Random random) {
    if (mean >= 1) return 1 + geometric(mean - 1, random);
    return random.nextDouble() < mean ? 1 : 0;
  }

  /** A count with the given mean: failures before the first success of a geometric draw. */
  static int geometric(double mean, Random random) {
    var p = mean / (1 + mean);
    var count = 0;
    while (count < 100 && random.nextDouble() < p) count++;
    return count;
  }
}
