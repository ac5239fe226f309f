package dev.beacon.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The benchmark's events: campaign-event JSON in a realistic mix (mostly impressions, some
 * clicks, few conversions; most events with a user) over many campaigns and users, or the
 * hot-key variant where every event belongs to one campaign. Seeded and cheap to make. Every
 * event has a user agent and an IP address, as a browser's would, for the invalid-traffic rules to
 * judge: one user in a hundred (and one event without a user in a hundred) is a known bot.
 */
final class BenchEvents {
  private static final String[] TYPES = {"impression", "click", "conversion", "view", "engagement", "completion", "skip"};
  /** Cumulative shares of the types above, in per mille. */
  private static final int[] CUMULATIVE = {700, 850, 870, 920, 960, 980, 1000};
  private static final String[] AGENTS = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"};
  private static final String BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private final SplittableRandom random;
  private final int campaigns;
  private final int users;
  private final boolean hotKey;
  private long sequence;

  BenchEvents(long seed, int campaigns, int users, boolean hotKey) {
    this.random = new SplittableRandom(seed);
    this.campaigns = campaigns;
    this.users = users;
    this.hotKey = hotKey;
  }

  /** One event: its Kafka key and JSON, and what it counts for (organisation, campaign, type index, value in cents). */
  record Generated(String key, byte[] json, String organizationId, String campaignId, int type, int cents) {}


  Generated next(long timestampMillis) {
    var campaign = hotKey ? 0 : random.nextInt(campaigns);
    var org = "org" + (campaign % 10);
    var roll = random.nextInt(1000);
    int type = 0;
    while (CUMULATIVE[type] <= roll) type++;
    var withUser = random.nextInt(10) < 8;
    var user = random.nextInt(users);
    var value = type <= 1 ? random.nextInt(1, 300) : type == 2 ? random.nextInt(1_000, 20_000) : 0;
    var json = new StringBuilder(256)
        .append("{\"eventId\":\"b").append(sequence++).append('-').append(random.nextLong() & Long.MAX_VALUE)
        .append("\",\"eventType\":\"").append(TYPES[type])
        .append("\",\"campaignId\":\"camp").append(campaign)
        .append("\",\"organizationId\":\"").append(org)
        .append("\",\"timestamp\":").append(timestampMillis)
        .append(",\"value\":").append(value / 100).append(value % 100 < 10 ? ".0" : ".").append(value % 100)
        .append(",\"metadata\":{\"sessionId\":\"s").append(user).append('-').append(timestampMillis / 1_800_000L)
        .append("\",\"deviceType\":\"").append(random.nextBoolean() ? "mobile" : "desktop").append('"');
    // drawn from the user (or the event), not the random source: the mix stays the one it was
    var who = withUser ? user : sequence;
    json.append(",\"userAgent\":\"").append(who % 100 == 0 ? BOT : AGENTS[(int) (who % AGENTS.length)])
        .append("\",\"ipAddress\":\"198.51.100.").append(who % 256).append('"');
    if (withUser) json.append(",\"userId\":\"u").append(user).append('"');
    if (type == 3) json.append(",\"duration\":").append(random.nextInt(1, 120));
    json.append("}}");
    var key = org + "|" + (withUser ? "u" + user : "camp" + campaign);
    return new Generated(key, json.toString().getBytes(StandardCharsets.UTF_8), org, "camp" + campaign, type, value);
  }
}
