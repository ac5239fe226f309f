package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import com.typesafe.config.ConfigFactory;
import dev.beacon.event.Delivered;
import dev.beacon.event.Verdict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One journey bucket entity without an actor, for property tests of the ingest: the entity's
 * own decision and event handler, a journal of what it persisted, snapshots, and restarts that
 * recover a new instance from the latest snapshot and the journal after it (replaying hits).
 */
public final class JourneyBucketModel {
  static final JourneySettings SETTINGS = JourneySettings.from(
      ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey"));
  private static final ChannelGrouping CHANNELS = ChannelGrouping.load();
  private final String entityId;
  private final List<JourneyBucket.Event> journal = new ArrayList<>();
  private JourneyBucket journey;
  private JourneyState state = new JourneyState();
  private JourneyState snapshot = new JourneyState();
  private int snapshotAt;

  public JourneyBucketModel(String entityId) {
    this.entityId = entityId;
    this.journey = new JourneyBucket(entityId, SETTINGS, CHANNELS, Clock.systemUTC());
  }

  /** Handles an Admit as the entity does; persists (appends to the journal) when it would. */
  public List<Verdict> admit(List<Delivered> events, long nowMillis) {
    var decision = journey.decide(state, events, nowMillis);
    if (decision.event() != null) {
      journal.add(decision.event());
      state = journey.eventHandler().apply(state, decision.event());
    }
    return decision.reply().verdicts();
  }

  public void snapshot() {
    snapshot = state.copy();
    snapshotAt = journal.size();
  }

  /** A crash: a new instance recovers from the latest snapshot and the events after it. */
  public void restart() {
    journey = new JourneyBucket(entityId, SETTINGS, CHANNELS, Clock.systemUTC());
    state = snapshot.copy();
    for (var event : journal.subList(snapshotAt, journal.size())) state = journey.eventHandler().apply(state, event);
  }

  /** The user's journey as the query answers it, or null. */
  public JourneyBucket.UserJourneyView journey(String userId) {
    var j = state.journey(userId, SETTINGS);
    // the score as of the user's latest event: the same for every model fed the same events
    return j == null ? null : JourneyBucket.UserJourneyView.of(userId, j, j.profile(), SETTINGS, j.lastActiveMillis());
  }

  /** Every conversion this bucket journaled for the read side, less those restatements withdrew, ordered by user and time. */
  public List<Conversion> journaledConversions() {
    var added = new ArrayList<Conversion>();
    var withdrawn = new ArrayList<Conversion>();
    for (var e : journal) {
      if (e instanceof JourneyBucket.JourneysUpdated u) {
        added.addAll(u.conversions());
        withdrawn.addAll(u.conversionsWithdrawn());
      }
    }
    var all = new ArrayList<Conversion>();
    var negative = new ArrayList<Conversion>();
    Multisets.difference(withdrawn, added, negative, all);
    if (!negative.isEmpty()) throw new AssertionError("withdrawn but never added: " + negative);
    all.sort(Comparator.comparing(Conversion::userId).thenComparingLong(Conversion::timestampMillis)
        .thenComparing(c -> String.valueOf(c.transactionId())));
    return all;
  }

  /** Every session start this bucket journaled for the read side, less those restatements withdrew, as "user/session@start". */
  public List<String> journaledSessions() {
    var added = new ArrayList<String>();
    var withdrawn = new ArrayList<String>();
    for (var e : journal) {
      if (e instanceof JourneyBucket.JourneysUpdated u) {
        for (var s : u.sessionsStarted()) added.add(s.userId() + "/" + s.sessionId() + "@" + s.startMillis());
        for (var s : u.sessionsWithdrawn()) withdrawn.add(s.userId() + "/" + s.sessionId() + "@" + s.startMillis());
      }
    }
    var all = new ArrayList<String>();
    var negative = new ArrayList<String>();
    Multisets.difference(withdrawn, added, negative, all);
    if (!negative.isEmpty()) throw new AssertionError("withdrawn but never added: " + negative);
    all.sort(null);
    return all;
  }
}
