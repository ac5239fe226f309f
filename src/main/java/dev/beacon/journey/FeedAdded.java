package dev.beacon.journey;

import dev.beacon.common.LiveUpdate;
import java.util.List;

/** Live-feed rows of a batch a journey bucket persisted, in the batch's order. */
public record FeedAdded(String organizationId, List<FeedItem> items) implements LiveUpdate {
  public FeedAdded {
    items = List.copyOf(items);
  }
}
