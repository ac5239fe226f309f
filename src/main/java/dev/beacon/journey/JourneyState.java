package dev.beacon.journey;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.beacon.common.CborSerializable;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventIds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * What a user's journey keeps so far: the ids of the user's recent events (as 64-bit digests)
 * with the Kafka position each was first read at, oldest first, bounded by time and count.
 * Mutable, confined to the entity; snapshots take a {@link #copy()}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class JourneyState implements CborSerializable {
  LinkedHashMap<Long, Seen> recentIds = new LinkedHashMap<>();

  /** Where and when an event id was first read. */
  public record Seen(long digest, int partition, long offset, long appliedAtMillis) implements CborSerializable {}

  /** The admitted events' ids, the ids to record, and the ids refused as retries. */
  record Admission(List<Seen> toRecord, Set<String> duplicateIds) {}

  /**
   * An id not seen within the window is admitted and recorded. An id seen at the same partition
   * and offset is a redelivery of the same record: admitted again, so that the campaign, which
   * recognises redelivery by offset, decides. An id seen at another position is a retry: refused.
   */
  Admission admit(List<Delivered> delivered, long nowMillis, JourneySettings settings) {
    var from = nowMillis - settings.dedupWindow().toMillis();
    var toRecord = new ArrayList<Seen>();
    var duplicates = new HashSet<String>();
    var inBatch = new java.util.HashMap<Long, Seen>();
    for (var d : delivered) {
      var digest = EventIds.digest(d.event().eventId());
      var seen = inBatch.get(digest);
      if (seen == null) {
        seen = recentIds.get(digest);
        if (seen != null && seen.appliedAtMillis() < from) seen = null;
      }
      if (seen == null) {
        var fresh = new Seen(digest, d.partition(), d.offset(), nowMillis);
        inBatch.put(digest, fresh);
        toRecord.add(fresh);
      } else if (seen.partition() != d.partition() || seen.offset() != d.offset()) {
        duplicates.add(d.event().eventId());
      }
    }
    return new Admission(toRecord, duplicates);
  }

  JourneyState record(List<Seen> seen, long appliedAtMillis, JourneySettings settings) {
    for (var s : seen) {
      // re-inserted, not updated in place: expiry walks the map oldest first and stops at the first live id
      recentIds.remove(s.digest());
      recentIds.put(s.digest(), s);
    }
    var from = appliedAtMillis - settings.dedupWindow().toMillis();
    var it = recentIds.values().iterator();
    while (it.hasNext()) {
      var s = it.next();
      if (recentIds.size() <= settings.dedupMaxIds() && s.appliedAtMillis() >= from) break;
      it.remove();
    }
    return this;
  }

  JourneyState copy() {
    var copy = new JourneyState();
    copy.recentIds.putAll(recentIds);
    return copy;
  }
}
