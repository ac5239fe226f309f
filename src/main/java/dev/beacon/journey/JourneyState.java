package dev.beacon.journey;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.beacon.common.CborSerializable;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventIds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a bucket of users keeps: the ids of its users' recent events (as 64-bit digests) with the
 * Kafka position each was first read at, oldest first, bounded by time and count; and each user's
 * journey ({@link UserJourney}), least recently active first, bounded by count and by idle time.
 * Idle time is measured in event time, against the latest event time the bucket has seen (the
 * watermark), so that the state is a function of the events alone and replays of old data keep
 * their users. Mutable, confined to the entity; snapshots take a {@link #copy()}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class JourneyState implements CborSerializable {
  LinkedHashMap<Long, Seen> recentIds = new LinkedHashMap<>();
  LinkedHashMap<String, UserJourney> users = new LinkedHashMap<>();
  long watermarkMillis = UserJourney.NEVER;

  /** Where and when an event id was first read. */
  public record Seen(long digest, int partition, long offset, long appliedAtMillis) implements CborSerializable {}

  /** The ids to record, the ids refused as retries, and the events admitted for the first time (one per id to record). */
  record Admission(List<Seen> toRecord, Set<String> duplicateIds, List<Delivered> admitted) {}

  /** What a batch of hits would make of the users it names, and the facts it produced; not applied yet. */
  record Update(Map<String, UserJourney> users, long watermarkMillis, JourneyLogic.Facts facts) {}

  /**
   * An id not seen within the window is admitted and recorded. An id seen at the same partition
   * and offset is a redelivery of the same record: admitted again, so that the campaign, which
   * recognises redelivery by offset, decides. An id seen at another position is a retry: refused.
   */
  Admission admit(List<Delivered> delivered, long nowMillis, JourneySettings settings) {
    var from = nowMillis - settings.dedupWindow().toMillis();
    var toRecord = new ArrayList<Seen>();
    var admitted = new ArrayList<Delivered>();
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
        admitted.add(d);
      } else if (seen.partition() != d.partition() || seen.offset() != d.offset()) {
        duplicates.add(d.event().eventId());
      }
    }
    return new Admission(toRecord, duplicates, admitted);
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

  /**
   * What these hits would do to their users' journeys, without changing this state: users in the
   * order the hits first name them, each user's hits in their given order. A user idle past the
   * retention starts afresh (the old journey is over, whether or not a sweep dropped it yet).
   */
  Update plan(List<Journey.Hit> hits, JourneyLogic logic) {
    var byUser = new LinkedHashMap<String, List<Journey.Hit>>();
    var watermark = watermarkMillis;
    for (var hit : hits) {
      byUser.computeIfAbsent(hit.userId(), k -> new ArrayList<>()).add(hit);
      watermark = Math.max(watermark, hit.timestampMillis());
    }
    var facts = new JourneyLogic.Facts();
    var updated = new LinkedHashMap<String, UserJourney>();
    var retention = logic.settings().userRetention();
    for (var entry : byUser.entrySet()) {
      var before = users.get(entry.getKey());
      if (before == null || before.idleAt(watermark, retention)) before = UserJourney.EMPTY;
      updated.put(entry.getKey(), logic.apply(entry.getKey(), before, entry.getValue(), facts));
    }
    return new Update(updated, watermark, facts);
  }

  /** Applies a planned update: its users become the most recently active; idle and surplus users are dropped. */
  JourneyState commit(Update update, JourneySettings settings) {
    update.users().forEach((userId, journey) -> {
      // re-inserted, not updated in place: the map's order is the order of activity
      users.remove(userId);
      users.put(userId, journey);
    });
    watermarkMillis = Math.max(watermarkMillis, update.watermarkMillis());
    var it = users.values().iterator();
    while (it.hasNext()) {
      var journey = it.next();
      if (users.size() <= settings.maxUsers() && !journey.idleAt(watermarkMillis, settings.userRetention())) break;
      it.remove();
    }
    return this;
  }

  /** Replays hits through the same logic the command handler planned them with. */
  JourneyState apply(List<Journey.Hit> hits, JourneyLogic logic) {
    return commit(plan(hits, logic), logic.settings());
  }

  /** The user's journey, or null when the user is unknown here or idle past the retention. */
  UserJourney journey(String userId, JourneySettings settings) {
    var journey = users.get(userId);
    return journey == null || journey.idleAt(watermarkMillis, settings.userRetention()) ? null : journey;
  }

  JourneyState copy() {
    var copy = new JourneyState();
    copy.recentIds.putAll(recentIds);
    // journeys are immutable: sharing them is copying them
    copy.users.putAll(users);
    copy.watermarkMillis = watermarkMillis;
    return copy;
  }
}
