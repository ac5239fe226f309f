package dev.beacon.campaign;

import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.common.CompactInput;
import dev.beacon.common.CompactOutput;
import dev.beacon.common.CompactSerializer;
import dev.beacon.event.EventType;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;

/**
 * The journal form of {@link Campaign.Event}s: one per campaign per micro-batch, so the most
 * written event of all. Bound in application.conf; manifest {@value #EVENTS_APPLIED}, which adds
 * each counted event's invalid-traffic flag to {@value #EVENTS_APPLIED_1} (still read: its events
 * valid); {@value #BUDGET_SET} and {@value #HOUR_JUDGED}, the daily budget and the anomaly alerts.
 */
public final class CampaignEventSerializer extends CompactSerializer {
  static final String EVENTS_APPLIED_1 = "EventsApplied.1";
  static final String EVENTS_APPLIED = "EventsApplied.2";
  static final String BUDGET_SET = "BudgetSet.1";
  static final String HOUR_JUDGED = "HourJudged.1";

  @Override
  public int identifier() {
    return 7_420_001;
  }

  @Override
  public String manifest(Object event) {
    if (event instanceof Campaign.EventsApplied) return EVENTS_APPLIED;
    if (event instanceof Campaign.BudgetSet) return BUDGET_SET;
    if (event instanceof Campaign.HourJudged) return HOUR_JUDGED;
    throw new IllegalArgumentException("not a campaign event: " + event.getClass().getName());
  }

  @Override
  protected void write(Object event, CompactOutput out) throws IOException {
    if (event instanceof Campaign.BudgetSet b) {
      out.integer(b.dailyBudgetMicros());
      return;
    }
    if (event instanceof Campaign.HourJudged h) {
      out.integer(h.hourStartMillis());
      out.list(h.alerts(), (o, alert) -> {
        o.string(alert.metric());
        o.integer(alert.hour().toEpochMilli());
        o.decimal(alert.value());
        o.decimal(alert.expected());
        o.decimal(alert.score());
        o.string(alert.direction());
      });
      return;
    }
    if (!(event instanceof Campaign.EventsApplied e)) {
      throw new IllegalArgumentException("not a campaign event: " + event.getClass().getName());
    }
    out.list(e.counted(), (o, counted) -> {
      o.string(counted.type().name());
      o.integer(counted.timestampMillis());
      o.integer(counted.valueMicros());
      o.integer(counted.durationMillis());
      o.string(counted.sessionId());
      o.integer(counted.digest());
      o.bool(counted.hasUser());
      o.string(counted.invalidTraffic() == null ? null : counted.invalidTraffic().name());
    });
    out.list(e.offsets().entrySet(), (o, offset) -> {
      o.string(offset.getKey());
      o.integer(offset.getValue());
    });
    out.integer(e.appliedAtMillis());
  }

  private static InvalidTraffic flag(String name) {
    return name == null ? null : InvalidTraffic.valueOf(name);
  }

  @Override
  protected Object read(String manifest, CompactInput in) throws IOException {
    if (BUDGET_SET.equals(manifest)) return new Campaign.BudgetSet(in.integer());
    if (HOUR_JUDGED.equals(manifest)) {
      var hour = in.integer();
      return new Campaign.HourJudged(hour, in.list(i -> new Alert(i.string(), Instant.ofEpochMilli(i.integer()),
          i.decimal(), i.decimal(), i.decimal(), i.string())));
    }
    var flagged = EVENTS_APPLIED.equals(manifest);
    if (!flagged && !EVENTS_APPLIED_1.equals(manifest)) throw unknownManifest(manifest);
    var counted = in.list(i -> new CampaignState.Counted(EventType.valueOf(i.string()), i.integer(), i.integer(),
        i.integer(), i.string(), i.integer(), i.bool(), flagged ? flag(i.string()) : null));
    var size = in.count();
    var offsets = new LinkedHashMap<String, Long>();
    for (var i = 0; i < size; i++) offsets.put(in.string(), in.integer());
    return new Campaign.EventsApplied(counted, offsets, in.integer());
  }
}
