package dev.beacon.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The benchmark's events: campaign-event JSON in a realistic mix (mostly impressions, some
 * clicks, few conversions; most events with a user) over many campaigns and users, or the
 * hot-key variant where every event belongs to one campaign. Seeded and cheap to make.
 */
final class BenchEvents {
  private static final String[] TYPES = {"impression", "click", "conversion", "view", "engagement", "completion", "skip"};
  /** Cumulative shares of the types above, in per mille. */
  private static final int[] CUMULATIVE = {700, 850, 870, 920, 960, 980, 1000};
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
    if (withUser) json.append(",\"userId\":\"u").append(user).append('"');
    if (type == 3) json.append(",\"duration\":").append(random.nextInt(1, 120));
    json.append("}}");
    var key = org + "|" + (withUser ? "u" + user : "camp" + campaign);
    return new Generated(key, json.toString().getBytes(StandardCharsets.UTF_8), org, "camp" + campaign, type, value);
  }
}
