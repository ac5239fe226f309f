package dev.beacon.live;

import dev.beacon.journey.FeedItem;
import java.time.Instant;

/** One row of the live event feed as clients read it ({@code GET /api/analytics/events/live}, snapshots, updates). */
public record FeedRow(Instant time, String eventName, String userId, String channel, String campaign) {
  public static FeedRow of(FeedItem item) {
    return new FeedRow(Instant.ofEpochMilli(item.timestampMillis()), item.name(), item.userId(), item.channel(), item.campaign());
  }
}
