package dev.beacon.journey;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.common.CborSerializable;
import dev.beacon.event.Consent;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventIds;
import dev.beacon.event.Verdict;
import dev.beacon.privacy.UserKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a bucket of users keeps: the ids of its users' recent events (as 64-bit digests) with the
 * Kafka position each was first read at, oldest first, bounded by time and count; and each user's
 * journey ({@link UserJourney}), least recently touched first, bounded by count and by idle time.
 * Idle time is measured from when a batch last brought the user an event to the latest batch's
 * {@code appliedAtMillis} (processing
 * time, persisted with each batch, so the state is still a function of the journal): a user
 * whose history is imported today stays, however old the events. Mutable, confined to the
 * entity; snapshots take a {@link #copy()}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class JourneyState implements CborSerializable {
  LinkedHashMap<Long, Seen> recentIds = new LinkedHashMap<>();
  LinkedHashMap<String, UserJourney> users = new LinkedHashMap<>();
  /** What each user's events said of consent (only users whose events said something), least recently said first. */
  LinkedHashMap<String, UserConsent> consents = new LinkedHashMap<>();
  /** Users forgotten (their {@link UserKeys key}) to when the erasure was asked (event time), for the dedup window. */
  LinkedHashMap<String, Long> forgotten = new LinkedHashMap<>();
  long appliedAtMillis = UserJourney.NEVER;

  /**
   * Where and when an event id was first read, and the invalid-traffic flag its event was given
   * (null: valid), which a redelivery of it gets again.
   */
  public record Seen(long digest, int partition, long offset, long appliedAtMillis, InvalidTraffic flag)
      implements CborSerializable {
    public Seen(long digest, int partition, long offset, long appliedAtMillis) {
      this(digest, partition, offset, appliedAtMillis, null);
    }
  }

  /** A user's consent as their events said it, and when a batch last said it (processing time, for the idle retention). */
  record UserConsent(Consent consent, long saidAtMillis) implements CborSerializable {}

  /** What one batch's events said of a user's consent, merged over what the user had said before. */
  public record ConsentKept(String userId, Consent consent) implements CborSerializable {}

  /**
   * What the bucket made of a command's deliveries: a verdict per delivery, in the command's order;
   * the ids to record and the events admitted for the first time (aligned: one per id to record),
   * with the index of each admitted delivery in the command.
   */
  record Admission(Verdict[] verdicts, long[] digests, List<Seen> toRecord, List<Delivered> admitted,
      List<Integer> admittedAt) {

    /**
     * Leaves out the admitted events at these positions of {@link #admitted()}: they and every
     * later delivery of the same event in this command fail, and their ids are not recorded.
     */
    Admission without(Set<Integer> failed) {
      if (failed.isEmpty()) return this;
      var verdicts = this.verdicts.clone();
      var failedDigests = new HashSet<Long>();
      var toRecord = new ArrayList<Seen>();
      var admitted = new ArrayList<Delivered>();
      var admittedAt = new ArrayList<Integer>();
      for (int k = 0; k < this.admitted.size(); k++) {
        if (failed.contains(k)) {
          failedDigests.add(this.toRecord.get(k).digest());
        } else {
          toRecord.add(this.toRecord.get(k));
          admitted.add(this.admitted.get(k));
          admittedAt.add(this.admittedAt.get(k));
        }
      }
      for (int i = 0; i < verdicts.length; i++) {
        if (failedDigests.contains(digests[i]) && verdicts[i] != Verdict.REDELIVERED) verdicts[i] = Verdict.FAILED;
      }
      return new Admission(verdicts, digests, toRecord, admitted, admittedAt);
    }

    /** This admission with the flags of the admitted events, by their position in {@link #admitted()}. */
    Admission flagged(Map<Integer, InvalidTraffic> flags) {
      if (flags.isEmpty()) return this;
      var toRecord = new ArrayList<>(this.toRecord);
      flags.forEach((k, flag) -> {
        var s = toRecord.get(k);
        toRecord.set(k, new Seen(s.digest(), s.partition(), s.offset(), s.appliedAtMillis(), flag));
      });
      return new Admission(verdicts, digests, toRecord, admitted, admittedAt);
    }

    /**
     * The flag of each delivery that has one, by index: an applied one's as just decided, a
     * redelivery's as recorded when its event was applied (so a campaign that had not counted it
     * yet counts it with the same flag).
     */
    Map<Integer, InvalidTraffic> flags(Map<Long, Seen> recorded) {
      var decided = new HashMap<Long, InvalidTraffic>();
      for (var s : toRecord) if (s.flag() != null) decided.put(s.digest(), s.flag());
      var flags = new HashMap<Integer, InvalidTraffic>();
      for (int i = 0; i < verdicts.length; i++) {
        InvalidTraffic flag = null;
        if (verdicts[i] == Verdict.APPLIED) {
          flag = decided.get(digests[i]);
        } else if (verdicts[i] == Verdict.REDELIVERED) {
          var s = recorded.get(digests[i]);
          flag = s == null ? null : s.flag();
        }
        if (flag != null) flags.put(i, flag);
      }
      return flags;
    }
  }

  /** What a batch of hits would make of the users it names, and the facts it produced; not applied yet. */
  record Update(Map<String, UserJourney> users, long appliedAtMillis, JourneyLogic.Facts facts) {}

  /**
   * Judges each delivery on its own. The first delivery of an id not seen within the window is
   * applied and its position recorded. A delivery at the position recorded for its id is a
   * redelivery of the same record: the journey has it already, and the campaign, which knows
   * what it applied by offset, decides. Any other delivery of a recorded id (another offset or
   * partition, in this command or an earlier one) is a retry: a duplicate. So of two deliveries
   * of one event exactly one is applied, wherever they land.
   */
  Admission admit(List<Delivered> delivered, long nowMillis, JourneySettings settings) {
    var from = nowMillis - settings.dedupWindow().toMillis();
    var verdicts = new Verdict[delivered.size()];
    var digests = new long[delivered.size()];
    var toRecord = new ArrayList<Seen>();
    var admitted = new ArrayList<Delivered>();
    var admittedAt = new ArrayList<Integer>();
    var inBatch = new HashMap<Long, Seen>();
    for (int i = 0; i < delivered.size(); i++) {
      var d = delivered.get(i);
      var digest = EventIds.digest(d.event().eventId());
      digests[i] = digest;
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
        admittedAt.add(i);
        verdicts[i] = Verdict.APPLIED;
      } else if (seen.partition() == d.partition() && seen.offset() == d.offset()) {
        verdicts[i] = Verdict.REDELIVERED;
      } else {
        verdicts[i] = Verdict.DUPLICATE;
      }
    }
    return new Admission(verdicts, digests, toRecord, admitted, admittedAt);
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
   * order the hits first name them, each user's hits in event time ({@link JourneyLogic}).
   * {@code appliedAtMillis} is when the batch was applied: each user it names is touched then.
   */
  Update plan(List<Hit> hits, JourneyLogic logic, long appliedAtMillis) {
    var byUser = new LinkedHashMap<String, List<Hit>>();
    for (var hit : hits) byUser.computeIfAbsent(hit.userId(), k -> new ArrayList<>()).add(hit);
    var facts = new JourneyLogic.Facts();
    var updated = new LinkedHashMap<String, UserJourney>();
    for (var entry : byUser.entrySet()) {
      var before = users.getOrDefault(entry.getKey(), UserJourney.EMPTY);
      updated.put(entry.getKey(), logic.apply(entry.getKey(), before, entry.getValue(), facts).touchedAt(appliedAtMillis));
    }
    return new Update(updated, appliedAtMillis, facts);
  }

  /**
   * Like {@link #plan}, but a hit the logic cannot apply (a bug met by one event) is left out and
   * its index in {@code hits} added to {@code failed}, instead of failing the whole batch, which
   * would fail every batch after it too. Only a user whose hits throw is searched, hit by hit.
   */
  Update planSafely(List<Hit> hits, JourneyLogic logic, long appliedAtMillis, Set<Integer> failed) {
    try {
      return plan(hits, logic, appliedAtMillis);
    } catch (RuntimeException whole) {
      var byUser = new LinkedHashMap<String, List<Integer>>();
      for (int k = 0; k < hits.size(); k++) byUser.computeIfAbsent(hits.get(k).userId(), u -> new ArrayList<>()).add(k);
      for (var indexes : byUser.values()) {
        if (!throwsOn(indexes.stream().map(hits::get).toList(), logic, appliedAtMillis)) continue;
        var good = new ArrayList<Hit>();
        for (var k : indexes) {
          good.add(hits.get(k));
          if (throwsOn(good, logic, appliedAtMillis)) {
            good.remove(good.size() - 1);
            failed.add(k);
          }
        }
      }
      var kept = new ArrayList<Hit>();
      for (int k = 0; k < hits.size(); k++) if (!failed.contains(k)) kept.add(hits.get(k));
      return plan(kept, logic, appliedAtMillis);
    }
  }

  private boolean throwsOn(List<Hit> hits, JourneyLogic logic, long appliedAtMillis) {
    try {
      plan(hits, logic, appliedAtMillis);
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * Forgets a user: their journey and consent go, and for the dedup window their events up to the
   * request (in event time) build no journey again. Users are known here by id, the event by key:
   * every user's key is worked out once per erasure.
   */
  JourneyState forget(String organizationId, String userKey, long requestedAtMillis, long appliedAtMillis,
      JourneySettings settings) {
    users.keySet().removeIf(userId -> UserKeys.key(organizationId, userId).equals(userKey));
    consents.keySet().removeIf(userId -> UserKeys.key(organizationId, userId).equals(userKey));
    forgotten.remove(userKey);
    forgotten.put(userKey, requestedAtMillis);
    this.appliedAtMillis = Math.max(this.appliedAtMillis, appliedAtMillis);
    var from = this.appliedAtMillis - settings.dedupWindow().toMillis() - settings.allowedLateness().toMillis();
    forgotten.values().removeIf(requestedAt -> requestedAt < from);
    return this;
  }

  /** Retention: journeys and consents no batch touched since {@code cutoffMillis} go. */
  JourneyState expire(long cutoffMillis, long appliedAtMillis) {
    users.values().removeIf(journey -> journey.touchedAtMillis() < cutoffMillis);
    consents.values().removeIf(said -> said.saidAtMillis() < cutoffMillis);
    this.appliedAtMillis = Math.max(this.appliedAtMillis, appliedAtMillis);
    return this;
  }

  /**
   * When the user was forgotten (the request, event time), or null: their events up to it were on
   * their way. Worked out once per user of a batch: the key is a SHA-256.
   */
  Long forgottenAt(String organizationId, String userId) {
    return forgotten.isEmpty() ? null : forgotten.get(UserKeys.key(organizationId, userId));
  }

  /** The user's consent as last said, or {@link Consent#UNSAID}. */
  Consent consentOf(String userId) {
    var kept = consents.get(userId);
    return kept == null ? Consent.UNSAID : kept.consent();
  }

  /**
   * Keeps what a batch's events said of consent; a user whose events said nothing for the user
   * retention, or beyond the bound of users, is forgotten (and has the defaults again), like a journey.
   */
  JourneyState keepConsents(List<ConsentKept> kept, long appliedAtMillis, JourneySettings settings) {
    for (var k : kept) {
      consents.remove(k.userId());
      consents.put(k.userId(), new UserConsent(k.consent(), appliedAtMillis));
    }
    var from = Math.max(this.appliedAtMillis, appliedAtMillis) - settings.userRetention().toMillis();
    var it = consents.values().iterator();
    while (it.hasNext()) {
      var said = it.next();
      if (consents.size() <= settings.maxUsers() && said.saidAtMillis() >= from) break;
      it.remove();
    }
    return this;
  }

  /** Applies a planned update: its users become the most recently active; idle and surplus users are dropped. */
  JourneyState commit(Update update, JourneySettings settings) {
    update.users().forEach((userId, journey) -> {
      // re-inserted, not updated in place: the map's order is the order of activity
      users.remove(userId);
      users.put(userId, journey);
    });
    appliedAtMillis = Math.max(appliedAtMillis, update.appliedAtMillis());
    var it = users.values().iterator();
    while (it.hasNext()) {
      var journey = it.next();
      if (users.size() <= settings.maxUsers() && !journey.idleAt(appliedAtMillis, settings.userRetention())) break;
      it.remove();
    }
    return this;
  }

  /** Replays hits through the same logic the command handler planned them with. */
  JourneyState apply(List<Hit> hits, JourneyLogic logic, long appliedAtMillis) {
    return commit(plan(hits, logic, appliedAtMillis), logic.settings());
  }

  /** The user's journey, or null when the user is unknown here or idle past the retention. */
  UserJourney journey(String userId, JourneySettings settings) {
    var journey = users.get(userId);
    return journey == null || journey.idleAt(appliedAtMillis, settings.userRetention()) ? null : journey;
  }

  JourneyState copy() {
    var copy = new JourneyState();
    copy.recentIds.putAll(recentIds);
    // journeys are immutable: sharing them is copying them
    copy.users.putAll(users);
    copy.consents.putAll(consents);
    copy.forgotten.putAll(forgotten);
    copy.appliedAtMillis = appliedAtMillis;
    return copy;
  }
}
