package dev.beacon.campaign;

import com.typesafe.config.ConfigFactory;
import dev.beacon.event.Delivered;
import dev.beacon.event.EventType;
import dev.beacon.event.Verdict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One campaign entity without an actor, for property tests of the ingest: the entity's own
 * decision and event handler, a journal of what it persisted, snapshots, and restarts that
 * recover a new instance from the latest snapshot and the journal after it.
 */
public final class CampaignModel {
  private static final CampaignSettings SETTINGS = CampaignSettings.from(
      ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.campaign"));
  private final String entityId;
  private final List<Campaign.EventsApplied> journal = new ArrayList<>();
  private Campaign campaign;
  private CampaignState state = new CampaignState();
  private CampaignState snapshot = new CampaignState();
  private int snapshotAt;

  /** What a campaign counted: events per type, money in micros, sessions and bounced sessions. */
  public record Totals(List<Long> counts, long spendMicros, long conversionValueMicros, long sessions,
      long singleEventSessions) {}

  public CampaignModel(String entityId) {
    this.entityId = entityId;
    this.campaign = new Campaign(entityId, SETTINGS, Clock.systemUTC());
  }

  /** Handles an Apply as the entity does; persists (appends to the journal) when it would. */
  public List<Verdict> apply(List<Delivered> events, Set<Integer> notCounted, long nowMillis) {
    var decision = campaign.decide(state, events, notCounted, nowMillis);
    if (decision.event() != null) {
      journal.add(decision.event());
      state = campaign.eventHandler().apply(state, decision.event());
    }
    return decision.reply().verdicts();
  }

  /** Takes a snapshot of the current state, as retention would. */
  public void snapshot() {
    snapshot = state.copy();
    snapshotAt = journal.size();
  }

  /** A crash: a new instance recovers from the latest snapshot and the events after it. */
  public void restart() {
    campaign = new Campaign(entityId, SETTINGS, Clock.systemUTC());
    state = snapshot.copy();
    for (var event : journal.subList(snapshotAt, journal.size())) state = campaign.eventHandler().apply(state, event);
  }

  public Totals totals() {
    var c = state.total;
    var counts = new ArrayList<Long>();
    for (var type : EventType.values()) counts.add(c.count(type));
    return new Totals(counts, c.spendMicros, c.conversionValueMicros, c.sessions, c.singleEventSessions);
  }

  public static Totals totalsOf(List<dev.beacon.event.Event> counted) {
    var c = new Counters();
    var sessions = new java.util.HashMap<String, Integer>();
    for (var e : counted) {
      c.add(e.type(), e.valueMicros(), e.durationMillis());
      if (e.sessionId() != null) sessions.merge(e.sessionId(), 1, Integer::sum);
    }
    var counts = new ArrayList<Long>();
    for (var type : EventType.values()) counts.add(c.count(type));
    return new Totals(counts, c.spendMicros, c.conversionValueMicros, sessions.size(),
        sessions.values().stream().filter(n -> n == 1).count());
  }
}
