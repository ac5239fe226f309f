package dev.beacon.campaign;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.common.CborSerializable;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventIds;
import dev.beacon.event.EventType;
import dev.beacon.event.Verdict;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything one campaign keeps, all of it bounded: all-time counters, minute buckets (for the
 * minute window, by processing time), UTC day buckets (for the day retention, back from the
 * newest event), the highest Kafka offset applied per partition, a time- and count-bounded window
 * of recent ids of events without a user, and the open sessions (for bounce rate), capped and
 * expired by event time, the daily budget, and the newest anomaly alerts. Mutable, confined to the entity; snapshots take a {@link #copy()}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class CampaignState implements CborSerializable {
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 86_400_000L;

  Counters total = new Counters();
  TreeMap<Long, Counters> minutes = new TreeMap<>();
  TreeMap<Long, Counters> days = new TreeMap<>();
  Map<String, Long> offsets = new HashMap<>();
  /** Digest of a recent id of an event without a user → when it was applied (ms); oldest first. */
  LinkedHashMap<Long, Long> recentIds = new LinkedHashMap<>();
  /** Session id → its state; least recently seen first. */
  LinkedHashMap<String, OpenSession> sessions = new LinkedHashMap<>();
  long latestEventMillis;
  /** The daily budget in micros; 0 when none is set. */
  long dailyBudgetMicros;
  /** The start of the last closed hour judged for anomalies (processing time); 0 before the first. */
  long judgedHourMillis;
  /** The newest alerts, oldest first, at most {@code anomalies.keep}. */
  ArrayList<Alert> alerts = new ArrayList<>();

  /** An open session: its first event's minute and day, how many events it had, when last seen. */
  record OpenSession(long firstMinute, long firstDay, long events, long lastSeenMillis) implements CborSerializable {}

  /**
   * One event as the campaign counts it: what the journal keeps, far smaller than the event; with
   * the invalid-traffic flag it was counted with (null: valid). {@code sessionId} is the session's
   * key ({@link #sessionKey}), not the id: a GA4 session id begins with the user's id, and a
   * campaign's rows outlive any one user's erasure.
   */
  public record Counted(
      EventType type, long timestampMillis, long valueMicros, long durationMillis,
      String sessionId, long digest, boolean hasUser, InvalidTraffic invalidTraffic) implements CborSerializable {
    public Counted(EventType type, long timestampMillis, long valueMicros, long durationMillis,
        String sessionId, long digest, boolean hasUser) {
      this(type, timestampMillis, valueMicros, durationMillis, sessionId, digest, hasUser, null);
    }
  }

  /**
   * What the campaign keeps of a session id to count sessions and bounces: the hex of its 64-bit
   * digest, which names no one. (Rows written before it keep the id itself until retention removes them.)
   */
  static String sessionKey(String sessionId) {
    return sessionId == null ? null : "s" + Long.toHexString(EventIds.digest(sessionId));
  }

  /** What {@link #select} made of a command: the new events and new offsets, and a verdict per delivery. */
  record Selection(List<Counted> fresh, Map<String, Long> offsets, List<Verdict> verdicts) {
    int redelivered() {
      return (int) verdicts.stream().filter(v -> v == Verdict.REDELIVERED).count();
    }

    int duplicates() {
      return (int) verdicts.stream().filter(v -> v == Verdict.DUPLICATE).count();
    }
  }

  boolean isEmpty() {
    return total.events() == 0 && offsets.isEmpty();
  }

  /**
   * Judges each delivery on its own. A record at or below the highest offset applied for its
   * partition was judged before (redelivery). Any other moves the offset on; it counts unless its
   * journey did not count it ({@code notCounted}: indexes of deliveries that the journey judged a
   * retry or could not apply), or it has no user and its id was applied within the recent-id
   * window or earlier in this command (a retry). A counted event keeps the flag its journey gave
   * it ({@code flags}, by index) or, without a user, the one the campaign's rules give it.
   */
  Selection select(List<Delivered> delivered, Set<Integer> notCounted, Map<Integer, InvalidTraffic> flags,
      long nowMillis, CampaignSettings settings) {
    var fresh = new ArrayList<Counted>(delivered.size());
    var verdicts = new ArrayList<Verdict>(delivered.size());
    var newOffsets = new HashMap<String, Long>();
    var seenInBatch = new HashSet<Long>();
    var dedupFrom = nowMillis - settings.dedupWindow().toMillis();
    for (int i = 0; i < delivered.size(); i++) {
      var d = delivered.get(i);
      var key = d.topicPartition();
      var applied = newOffsets.getOrDefault(key, offsets.getOrDefault(key, -1L));
      if (d.offset() <= applied) {
        verdicts.add(Verdict.REDELIVERED);
        continue;
      }
      newOffsets.put(key, d.offset());
      if (notCounted.contains(i)) {
        verdicts.add(Verdict.DUPLICATE);
        continue;
      }
      var event = d.event();
      var digest = EventIds.digest(event.eventId());
      if (!event.hasUser()) {
        var appliedAt = recentIds.get(digest);
        if ((appliedAt != null && appliedAt >= dedupFrom) || !seenInBatch.add(digest)) {
          verdicts.add(Verdict.DUPLICATE);
          continue;
        }
      }
      verdicts.add(Verdict.APPLIED);
      var flag = event.hasUser() ? flags.get(i) : settings.traffic().judge(event.userAgent(), event.ipAddress());
      fresh.add(new Counted(event.type(), event.timestamp().toEpochMilli(), event.valueMicros(),
          event.durationMillis(), sessionKey(event.sessionId()), digest, event.hasUser(), flag));
    }
    return new Selection(fresh, newOffsets, verdicts);
  }

  /**
   * Applies a persisted batch. Pure: time comes from the event ({@code appliedAtMillis}) and the
   * events counted.
   *
   * <p>The two windows are measured from different clocks, on purpose. The minute window is the
   * last 24 hours of processing time: it answers "what happens now", so an event older than the
   * window (history imported with its real dates, a very late event) never enters it. The day
   * retention is measured back from the newest event the campaign has counted (event time): an
   * import of last year's export lands on its days and stays there, where a retention from now
   * would drop those days at once. The state stays bounded all the same, at most retention + 1
   * day buckets; for live traffic the newest event is about now, so that is the last 90 days.
   */
  CampaignState apply(List<Counted> counted, Map<String, Long> newOffsets, long appliedAtMillis, CampaignSettings settings) {
    offsets.putAll(newOffsets);
    var minuteFrom = Math.floorDiv(appliedAtMillis - settings.minuteWindow().toMillis(), MINUTE);
    var newest = latestEventMillis;
    for (var c : counted) newest = Math.max(newest, c.timestampMillis());
    var dayFrom = Math.floorDiv(newest - settings.dayRetention().toMillis(), DAY);
    for (var c : counted) {
      var minute = Math.floorDiv(c.timestampMillis(), MINUTE);
      var day = Math.floorDiv(c.timestampMillis(), DAY);
      var minuteBucket = minute >= minuteFrom ? minutes.computeIfAbsent(minute, m -> new Counters()) : null;
      var dayBucket = day >= dayFrom ? days.computeIfAbsent(day, d -> new Counters()) : null;
      var invalid = c.invalidTraffic() != null;
      total.add(c.type(), c.valueMicros(), c.durationMillis(), invalid);
      if (minuteBucket != null) minuteBucket.add(c.type(), c.valueMicros(), c.durationMillis(), invalid);
      if (dayBucket != null) dayBucket.add(c.type(), c.valueMicros(), c.durationMillis(), invalid);
      if (c.sessionId() != null) countSession(c, minute, day, minuteBucket, dayBucket);
      latestEventMillis = Math.max(latestEventMillis, c.timestampMillis());
      if (!c.hasUser()) {
        // re-inserted, not updated in place: expiry walks the map oldest first and stops at the first live id
        recentIds.remove(c.digest());
        recentIds.put(c.digest(), appliedAtMillis);
      }
    }
    minutes.headMap(minuteFrom).clear();
    days.headMap(dayFrom).clear();
    expireRecentIds(appliedAtMillis - settings.dedupWindow().toMillis(), settings.dedupMaxIds());
    expireSessions(latestEventMillis - settings.sessionTimeout().toMillis(), settings.maxOpenSessions());
    return this;
  }

  private void countSession(Counted c, long minute, long day, Counters minuteBucket, Counters dayBucket) {
    var open = sessions.remove(c.sessionId());
    if (open == null) {
      total.sessions++;
      total.singleEventSessions++;
      if (minuteBucket != null) {
        minuteBucket.sessions++;
        minuteBucket.singleEventSessions++;
      }
      if (dayBucket != null) {
        dayBucket.sessions++;
        dayBucket.singleEventSessions++;
      }
      sessions.put(c.sessionId(), new OpenSession(minute, day, 1, c.timestampMillis()));
      return;
    }
    if (open.events() == 1) {
      // The session's second event: it no longer bounced, in every range its first event counted in.
      total.singleEventSessions--;
      var firstMinute = minutes.get(open.firstMinute());
      if (firstMinute != null) firstMinute.singleEventSessions--;
      var firstDay = days.get(open.firstDay());
      if (firstDay != null) firstDay.singleEventSessions--;
    }
    sessions.put(c.sessionId(), new OpenSession(open.firstMinute(), open.firstDay(), open.events() + 1,
        Math.max(open.lastSeenMillis(), c.timestampMillis())));
  }

  private void expireRecentIds(long olderThan, int max) {
    var it = recentIds.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
      if (recentIds.size() <= max && entry.getValue() >= olderThan) break;
      it.remove();
    }
  }

  private void expireSessions(long idleBefore, int max) {
    var it = sessions.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
      if (sessions.size() <= max && entry.getValue().lastSeenMillis() >= idleBefore) break;
      it.remove();
    }
  }

  /** Counters over the minutes from {@code fromMillis}'s minute on; all time when null. */
  Counters window(Long fromMillis) {
    if (fromMillis == null) return total.copy();
    var sum = new Counters();
    for (var bucket : minutes.tailMap(Math.floorDiv(fromMillis, MINUTE)).values()) sum.addAll(bucket);
    return sum;
  }

  /** One row per UTC day from {@code from} to {@code to}, days without events as zeros. */
  List<CampaignMetrics.Daily> daily(LocalDate from, LocalDate to) {
    var rows = new ArrayList<CampaignMetrics.Daily>();
    for (var day = from; !day.isAfter(to); day = day.plusDays(1)) {
      var bucket = days.get(day.toEpochDay());
      rows.add(CampaignMetrics.Daily.of(day, bucket == null ? new Counters() : bucket));
    }
    return rows;
  }

  /**
   * The hour that closed before {@code nowMillis} when it is later than the last one judged and
   * counted events, else -1: the first batch persisted in a new hour judges the hour before it, once.
   */
  long hourToJudge(long nowMillis) {
    var closed = Math.floorDiv(nowMillis, HOUR) * HOUR - HOUR;
    if (closed <= judgedHourMillis) return -1;
    // an hour without events has nothing to judge
    return minutes.subMap(closed / MINUTE, (closed + HOUR) / MINUTE).isEmpty() ? -1 : closed;
  }

  /** The hour from {@code hourStartMillis}'s totals, out of the minute buckets. */
  AnomalyDetector.Hour hour(long hourStartMillis) {
    var sum = new Counters();
    for (var bucket : minutes.subMap(hourStartMillis / MINUTE, (hourStartMillis + HOUR) / MINUTE).values()) sum.addAll(bucket);
    return new AnomalyDetector.Hour(sum.count(EventType.IMPRESSION), sum.count(EventType.CLICK),
        sum.count(EventType.CONVERSION), sum.spendMicros);
  }

  /** What the detector says of the closed hour from {@code hourStartMillis}, against the hours the minute window still holds. */
  List<Alert> judge(long hourStartMillis, AnomalyDetector detector) {
    var history = new ArrayList<AnomalyDetector.Hour>();
    var oldest = minutes.isEmpty() ? hourStartMillis : Math.floorDiv(minutes.firstKey() * MINUTE, HOUR) * HOUR;
    for (var h = hourStartMillis - HOUR; h >= oldest; h -= HOUR) history.add(hour(h));
    var day = days.get(Math.floorDiv(hourStartMillis, DAY));
    return detector.judge(hourStartMillis, hour(hourStartMillis), history, dailyBudgetMicros,
        day == null ? 0 : day.spendMicros);
  }

  CampaignState budget(long dailyBudgetMicros) {
    this.dailyBudgetMicros = dailyBudgetMicros;
    return this;
  }

  List<Alert> newestAlertsFirst() {
    var newest = new ArrayList<>(alerts);
    Collections.reverse(newest);
    return newest;
  }

  /** Records a judged hour and its alerts, keeping the newest {@code keep}. */
  CampaignState judged(long hourStartMillis, List<Alert> raised, int keep) {
    judgedHourMillis = Math.max(judgedHourMillis, hourStartMillis);
    alerts.addAll(raised);
    if (alerts.size() > keep) alerts.subList(0, alerts.size() - keep).clear();
    return this;
  }

  /** A deep copy: what a snapshot serializes while the entity goes on changing its own state. */
  CampaignState copy() {
    var copy = new CampaignState();
    copy.total = total.copy();
    minutes.forEach((k, v) -> copy.minutes.put(k, v.copy()));
    days.forEach((k, v) -> copy.days.put(k, v.copy()));
    copy.offsets.putAll(offsets);
    copy.recentIds.putAll(recentIds);
    copy.sessions.putAll(sessions);
    copy.latestEventMillis = latestEventMillis;
    copy.dailyBudgetMicros = dailyBudgetMicros;
    copy.judgedHourMillis = judgedHourMillis;
    copy.alerts.addAll(alerts);
    return copy;
  }

  Instant latestEvent() {
    return Instant.ofEpochMilli(latestEventMillis);
  }
}
