package dev.beacon.live;

import dev.beacon.common.CborSerializable;
import java.util.List;

/**
 * What an organisation's hub publishes at once: the updates one flush gathered (each changed
 * campaign, the totals, the new feed rows), so that each subscriber gets one message per flush
 * however many campaigns moved.
 */
public record LiveBatch(List<LiveMessage> messages) implements CborSerializable {
  public LiveBatch {
    messages = List.copyOf(messages);
  }
}
