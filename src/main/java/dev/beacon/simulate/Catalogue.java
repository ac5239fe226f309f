package dev.beacon.simulate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * The fixed world the traffic model draws from: traffic sources with their costs and click-id
 * parameters, devices with user agents, locations, and the shop's products. Plain data; every
 * draw takes the caller's {@link Random}, so a seed decides everything.
 */
final class Catalogue {
  static final String SHOP = "https://shop.example.com";

  private Catalogue() {}

  /**
   * A traffic source as GA4 names it. Paid sources bring ad impressions and clicks priced by
   * CPM and CPC (in cents); tagged sources carry {@code utm_*} tags naming a campaign.
   *
   * @param siteConversion how often a visit from this source ends in a purchase, when it is not a paid click
   */
  record Source(String source, String medium, int weight, boolean paid, boolean tagged, boolean video,
      int cpmLowCents, int cpmHighCents, int cpcLowCents, int cpcHighCents, String clickIdParam,
      String referrer, double siteConversion) {}

  static final List<Source> SOURCES = List.of(
      paid("google", "cpc", 24, false, 200, 600, 50, 250, "gclid"),
      paid("facebook", "paid_social", 9, false, 500, 1200, 40, 150, "fbclid"),
      paid("facebook", "cpc", 3, false, 400, 1000, 40, 140, "fbclid"),
      paid("instagram", "paid_social", 6, false, 600, 1400, 50, 180, "fbclid"),
      paid("bing", "cpc", 3, false, 150, 400, 40, 180, "msclkid"),
      // cpv (cost per view) makes it Paid Video in GA4's grouping; youtube / video below is Organic Video
      paid("youtube", "cpv", 4, true, 800, 2000, 10, 60, null),
      new Source("youtube", "video", 2, false, false, false, 0, 0, 0, 0, null, "https://www.youtube.com/", 0.02),
      new Source("google", "organic", 18, false, false, false, 0, 0, 0, 0, null, "https://www.google.com/", 0.03),
      new Source("duckduckgo", "organic", 1, false, false, false, 0, 0, 0, 0, null, "https://duckduckgo.com/", 0.03),
      new Source("newsletter", "email", 6, false, true, false, 0, 0, 0, 0, null, null, 0.05),
      new Source("(direct)", "(none)", 14, false, false, false, 0, 0, 0, 0, null, null, 0.04),
      new Source("reddit.com", "referral", 3, false, false, false, 0, 0, 0, 0, null, "https://www.reddit.com/r/CampingGear/", 0.02),
      new Source("news.ycombinator.com", "referral", 2, false, false, false, 0, 0, 0, 0, null, "https://news.ycombinator.com/", 0.01),
      new Source("medium.com", "referral", 2, false, false, false, 0, 0, 0, 0, null, "https://medium.com/@trailnotes", 0.02));

  static final List<Source> PAID = SOURCES.stream().filter(Source::paid).toList();
  static final Source DIRECT = SOURCES.stream().filter(s -> s.source().equals("(direct)")).findFirst().orElseThrow();

  private static Source paid(String source, String medium, int weight, boolean video, int cpmLow, int cpmHigh,
      int cpcLow, int cpcHigh, String clickId) {
    return new Source(source, medium, weight, true, true, video, cpmLow, cpmHigh, cpcLow, cpcHigh, clickId, null, 0.0);
  }

  /** A browser as a user agent, with the device category and names GA4 reports for it. */
  record Agent(String deviceType, String operatingSystem, String browser, String browserVersion, String userAgent, int weight) {}

  static final List<Agent> AGENTS = List.of(
      new Agent("desktop", "Windows", "Chrome", "124.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", 20),
      new Agent("desktop", "Windows", "Edge", "124.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80", 6),
      new Agent("desktop", "Macintosh", "Safari", "17.4", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", 11),
      new Agent("desktop", "Linux", "Firefox", "125.0", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", 7),
      new Agent("mobile", "iOS", "Safari", "17.4", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 24),
      new Agent("mobile", "Android", "Chrome", "124.0", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", 18),
      new Agent("mobile", "Android", "Samsung Internet", "24.0", "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", 7),
      new Agent("tablet", "iOS", "Safari", "17.4", "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 5),
      new Agent("tablet", "Android", "Chrome", "124.0", "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", 2));

  /** What click bots send: scripted clients and headless browsers. */
  static final List<Agent> BOTS = List.of(
      new Agent("desktop", "Linux", "HeadlessChrome", "124.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36", 3),
      new Agent("desktop", "Linux", "python-requests", "2.31", "python-requests/2.31.0", 1),
      new Agent("desktop", "Windows", "Chrome", "99.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.51 Safari/537.36", 1));

  record Place(String city, String country, int weight) {
    String label() {
      return city + ", " + country;
    }
  }

  static final List<Place> PLACES = List.of(
      new Place("New York", "United States", 12), new Place("Los Angeles", "United States", 8),
      new Place("Chicago", "United States", 6), new Place("Austin", "United States", 3),
      new Place("London", "United Kingdom", 9), new Place("Manchester", "United Kingdom", 3),
      new Place("Berlin", "Germany", 6), new Place("Munich", "Germany", 3), new Place("Paris", "France", 5),
      new Place("Madrid", "Spain", 3), new Place("Amsterdam", "Netherlands", 3), new Place("Toronto", "Canada", 4),
      new Place("Sydney", "Australia", 3), new Place("São Paulo", "Brazil", 3), new Place("Mumbai", "India", 4),
      new Place("Tokyo", "Japan", 3), new Place("Singapore", "Singapore", 2));

  record Product(String id, String name, BigDecimal price) {
    String path() {
      return "/products/" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
  }

  static final List<Product> PRODUCTS = List.of(
      product("SKU-1001", "Trail Running Shoes", "89.00"), product("SKU-1002", "Merino Wool Socks", "14.50"),
      product("SKU-1003", "Waterproof Jacket", "159.00"), product("SKU-1004", "Insulated Bottle", "24.99"),
      product("SKU-1005", "Trekking Poles", "69.00"), product("SKU-1006", "Headlamp 400", "34.95"),
      product("SKU-1007", "Daypack 24L", "79.00"), product("SKU-1008", "Sun Hat", "22.00"),
      product("SKU-1009", "Base Layer Top", "49.00"), product("SKU-1010", "Camp Mug", "12.00"),
      product("SKU-1011", "Rain Pants", "89.50"), product("SKU-1012", "Gift Card", "50.00"));

  private static Product product(String id, String name, String price) {
    return new Product(id, name, new BigDecimal(price));
  }

  static <T> T weighted(List<T> items, ToIntFunction<T> weight, Random random) {
    var total = 0;
    for (var item : items) total += weight.applyAsInt(item);
    var pick = random.nextInt(total);
    for (var item : items) {
      pick -= weight.applyAsInt(item);
      if (pick < 0) return item;
    }
    throw new IllegalStateException("weights changed while drawing");
  }

  static <T> T any(List<T> items, Random random) {
    return items.get(random.nextInt(items.size()));
  }

  /** A whole number uniformly in [low, high]. */
  static long between(long low, long high, Random random) {
    return low + (long) (random.nextDouble() * (high - low + 1));
  }
}
