package dev.beacon.live;

import dev.beacon.common.CborSerializable;
import java.util.List;

/**
 * What an organisation's hub publishes at once: the updates one flush gathered (each changed
 * campaign, the totals, the new feed rows), and the update frame that carries them all to a
 * client that follows the whole organisation and keeps up (rendered once for all of them).
 */
public record LiveBatch(List<LiveMessage> messages, String frame) implements CborSerializable {
  public LiveBatch {
    messages = List.copyOf(messages);
  }

  /** The batch of these messages, with their frame. */
  public static LiveBatch of(String quotedOrganizationId, List<LiveMessage> messages) {
    return new LiveBatch(messages, LiveMessage.frame(quotedOrganizationId, messages));
  }
}
