package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.attribution.PathChange;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.attribution.Touchpoint;
import dev.beacon.event.Event;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * How a user's admitted events change the user's journey, and what facts that produces: pure
 * (no clock, no I/O), so the command handler can work out the facts of a batch and the event
 * handler can replay the same events to the same state. Everything below is in event time: a
 * user's events are applied in the order of their timestamps ({@link #EVENT_TIME}), whatever
 * order they arrived in, and a late one restates what it changes ({@link #apply}).
 *
 * <ul>
 *   <li>Sessions: an event with a session id belongs to the stored session of that id (GA4's
 *       {@code ga_session_id} decides over the timeout), else opens one; an event without one
 *       continues the latest session unless it came more than the timeout after its last event.
 *       A session is engaged once its engagement exceeds {@code engagedAfter}, it has
 *       {@code engagedPageViews} page views, or a conversion.
 *   <li>Touchpoints: each session's traffic source at its first event (channel and campaign).
 *   <li>Conversions: events named in {@code conversionEvents}; one whose transaction id the user
 *       converted with earlier in event time is not counted again (no transaction id never dedups). Each counted
 *       conversion is credited by every rule-based model at once.
 *   <li>Paths: each conversion adds its path (the channels of the touches it credits); the user's
 *       open path (touches since the last conversion) carries one non-converting journey, moved
 *       when the path changes.
 *   <li>Totals: what all the user's events add up to ({@link JourneyTotals}), however few
 *       sessions and conversions the journey keeps.
 *   <li>Invalid traffic: a flagged event (with {@code beacon.behaviour.invalid-traffic.attribution
 *       = exclude}) opens no session, is no touchpoint, no conversion and no feed row; it counts
 *       only in the activity the invalid-traffic rules judge by.
 * </ul>
 *
 * <p>Not final only so that tests can stand in logic that fails on one user's events.
 */
class JourneyLogic {
  static final String PAGE_VIEW = "page_view";
  private static final long DAY_MILLIS = 86_400_000L;
  static final double MICROS = 1_000_000.0;

  private final JourneySettings settings;
  private final RuleBasedAttribution attribution;

  JourneyLogic(JourneySettings settings) {
    this.settings = settings;
    this.attribution = settings.attribution();
  }

  JourneySettings settings() {
    return settings;
  }

  /**
   * The compact form of an admitted event: what the journey needs of it, with its traffic source
   * already mapped to a channel (so that replay does not depend on the channel rules of the day).
   * Campaign events name their campaign; GA4 rows the source's campaign.
   */
  Hit hit(Event e, ChannelGrouping channels) {
    var source = e.source();
    var campaign = source != null && source.campaign() != null ? source.campaign() : e.campaignId();
    var channel = source == null ? channels.channel(null, null, campaign)
        : channels.channel(source.source(), source.medium(), campaign);
    return new Hit(e.userId(), e.name(), e.timestamp().toEpochMilli(), e.sessionId(), channel, campaign,
        e.durationMillis(), e.valueMicros(), e.transactionId(), settings.conversionEvents().contains(e.name()),
        e.deviceType());
  }

  /**
   * The order of event time: by timestamp; at one instant a touch before a conversion, then by
   * every other field, so that any arrival order of the same events sorts to one sequence.
   */
  static final Comparator<Hit> EVENT_TIME = Comparator.comparingLong(Hit::timestampMillis)
      .thenComparing(Hit::conversion)
      .thenComparing(Hit::name)
      .thenComparing(Hit::sessionId, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(Hit::channel)
      .thenComparing(Hit::campaign)
      .thenComparingLong(Hit::engagementMillis)
      .thenComparingLong(Hit::valueMicros)
      .thenComparing(Hit::transactionId, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(Hit::deviceType, Comparator.nullsFirst(Comparator.naturalOrder()));

  /**
   * Applies one user's newly admitted hits to the user's journey in event time; adds what
   * happened to {@code facts}. A hit earlier than {@link UserJourney#lateBefore} is too late: it
   * is counted and changes nothing. The rest join the user's recent hits: when they all come
   * after the latest recent one (events in order, the usual case) they continue the journey;
   * otherwise the journey is derived again from the settled journey and every recent hit in
   * event-time order, and what that changes is restated ({@link Facts#restate}). Then recent hits
   * beyond the allowed lateness (or the bound per user) are settled.
   */
  UserJourney apply(String userId, UserJourney before, List<Hit> hits, Facts facts) {
    var lateBefore = before.lateBefore(settings.allowedLateness());
    var arrived = new ArrayList<Hit>(hits.size());
    for (var hit : hits) {
      if (hit.timestampMillis() < lateBefore) facts.tooLate++;
      else arrived.add(hit);
    }
    if (arrived.isEmpty()) return before;
    arrived.sort(EVENT_TIME);
    var recent = before.recent();
    var settled = before.settledJourney();
    List<Hit> merged;
    UserJourney after;
    if (recent.isEmpty() || EVENT_TIME.compare(arrived.get(0), recent.get(recent.size() - 1)) >= 0) {
      merged = new ArrayList<>(recent.size() + arrived.size());
      merged.addAll(recent);
      merged.addAll(arrived);
      after = fold(userId, before.bare(), arrived, facts);
    } else {
      merged = mergeInOrder(recent, arrived);
      var latest = recent.get(recent.size() - 1);
      for (var hit : arrived) if (EVENT_TIME.compare(hit, latest) < 0) facts.outOfOrder++;
      var was = new Facts();
      fold(userId, settled, recent, was);
      var now = new Facts();
      after = fold(userId, settled, merged, now);
      facts.restate(was, now, arrived);
    }
    return settle(userId, after, settled, merged, before.settledBefore());
  }

  private static List<Hit> mergeInOrder(List<Hit> a, List<Hit> b) {
    var merged = new ArrayList<Hit>(a.size() + b.size());
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && EVENT_TIME.compare(a.get(i), b.get(j)) <= 0)) merged.add(a.get(i++));
      else merged.add(b.get(j++));
    }
    return merged;
  }

  /**
   * Keeps as recent the hits within the allowed lateness of the latest event, at most
   * {@code maxRecentEventsPerUser}; the hits before the cut are applied to the settled journey for
   * good, and an event earlier than the cut will be too late.
   */
  private UserJourney settle(String userId, UserJourney after, UserJourney settled, List<Hit> merged, long settledBefore) {
    var cut = Math.max(settledBefore, after.lastActiveMillis() - settings.allowedLateness().toMillis());
    var max = settings.maxRecentEventsPerUser();
    if (merged.size() > max) cut = Math.max(cut, merged.get(merged.size() - max - 1).timestampMillis() + 1);
    int k = 0;
    while (k < merged.size() && merged.get(k).timestampMillis() < cut) k++;
    if (k == merged.size()) return after.withRecent(List.of(), null, cut);
    var newlySettled = k == 0 ? settled : fold(userId, settled, merged.subList(0, k), new Facts());
    return after.withRecent(merged.subList(k, merged.size()), newlySettled, cut);
  }

  /** Applies hits, in the given order, to a journey with nothing recent; adds what happened to {@code facts}. */
  private UserJourney fold(String userId, UserJourney before, List<Hit> hits, Facts facts) {
    var sessions = new ArrayList<>(before.sessions());
    var conversions = new ArrayList<>(before.conversions());
    var transactionIds = new ArrayList<>(before.transactionIds());
    var lastConversion = before.lastConversionMillis();
    var lastActive = before.lastActiveMillis();
    var totals = before.totals();
    // the open path changes only when a session opens or is dropped, or the user converts
    var pathMayChange = false;
    for (var hit : hits) {
      if (hit.invalidTraffic() != null && settings.behaviour().excludeInvalidFromAttribution()) {
        totals = totals.plusInvalid(hit, settings.behaviour());
        continue;
      }
      var index = sessionOf(sessions, hit);
      var newSession = index < 0;
      if (newSession) {
        pathMayChange = true;
        var opened = new Session(hit.sessionId(), hit.timestampMillis(), hit.timestampMillis(), hit.channel(),
            hit.campaign(), 0, 0, 0, false);
        sessions.add(opened);
        index = sessions.size() - 1;
        facts.sessionsStarted.add(new SessionStarted(userId, opened.sessionId(), day(opened.startMillis()),
            opened.startMillis(), opened.channel(), opened.campaign()));
      }
      var session = sessions.get(index);
      var updated = withHit(session, hit);
      sessions.set(index, updated);
      var engaged = updated.engaged() && !session.engaged();
      if (engaged) {
        facts.sessionsEngaged.add(new SessionEngaged(userId, updated.sessionId(), day(updated.startMillis()),
            updated.channel(), updated.campaign()));
      }
      facts.feed.add(new FeedItem(hit.timestampMillis(), hit.name(), userId, updated.channel(), updated.campaign()));
      facts.feedHits.add(hit);
      var counted = hit.conversion() && (hit.transactionId() == null || !transactionIds.contains(hit.transactionId()));
      if (counted) {
        var conversion = convert(userId, hit, updated.sessionId(), sessions);
        conversions.add(conversion);
        dropOldest(conversions, settings.maxConversions());
        if (hit.transactionId() != null) {
          transactionIds.add(hit.transactionId());
          dropOldest(transactionIds, settings.maxTransactionIds());
        }
        lastConversion = Math.max(lastConversion, hit.timestampMillis());
        pathMayChange = true;
        facts.conversions.add(conversion);
        facts.pathChanges.add(new PathChange(userId, conversion.path(), 1, conversion.value(), 0));
      }
      // the session just touched is never the oldest unless it is the only one left
      dropOldest(sessions, settings.maxTouchpoints());
      lastActive = Math.max(lastActive, hit.timestampMillis());
      totals = totals.plus(hit, updated.channel(), newSession, engaged, counted, settings.behaviour());
    }
    var after = new UserJourney(sessions, conversions, transactionIds, lastConversion, lastActive, totals, List.of(),
        null, before.settledBefore(), before.touchedAtMillis());
    if (!pathMayChange) return after;
    var openBefore = before.openPath(settings.lookback());
    var openAfter = after.openPath(settings.lookback());
    if (!openBefore.equals(openAfter)) {
      if (!openBefore.isEmpty()) facts.pathChanges.add(new PathChange(userId, openBefore, 0, 0, -1));
      if (!openAfter.isEmpty()) facts.pathChanges.add(new PathChange(userId, openAfter, 0, 0, 1));
    }
    return after;
  }

  /** The index of the session this hit belongs to, or -1 when it opens a new one. */
  private int sessionOf(List<Session> sessions, Hit hit) {
    if (sessions.isEmpty()) return -1;
    if (hit.sessionId() != null) {
      // newest first: an id seen again (another tab, a late event) continues its own session
      for (var i = sessions.size() - 1; i >= 0; i--) {
        if (hit.sessionId().equals(sessions.get(i).sessionId())) return i;
      }
      return -1;
    }
    var latest = sessions.size() - 1;
    var gap = hit.timestampMillis() - sessions.get(latest).endMillis();
    return gap <= settings.sessionTimeout().toMillis() ? latest : -1;
  }

  private Session withHit(Session s, Hit hit) {
    var pageViews = s.pageViews() + (PAGE_VIEW.equals(hit.name()) ? 1 : 0);
    var engagement = s.engagementMillis() + hit.engagementMillis();
    var engaged = s.engaged() || hit.conversion() || pageViews >= settings.engagedPageViews()
        || engagement > settings.engagedAfter().toMillis();
    return new Session(s.sessionId(), s.startMillis(), Math.max(s.endMillis(), hit.timestampMillis()), s.channel(),
        s.campaign(), s.events() + 1, pageViews, engagement, engaged);
  }

  private Conversion convert(String userId, Hit hit, String sessionId, List<Session> sessions) {
    var counted = attribution.counted(UserJourney.touchpoints(sessions), hit.timestampMillis());
    var value = hit.valueMicros() / MICROS;
    return new Conversion(userId, hit.name(), hit.timestampMillis(), day(hit.timestampMillis()), value,
        hit.transactionId(), sessionId, counted.stream().map(Touchpoint::channel).toList(),
        attribution.creditCounted(counted, value));
  }

  private static void dropOldest(List<?> list, int max) {
    if (list.size() > max) list.subList(0, list.size() - max).clear();
  }

  static LocalDate day(long millis) {
    return LocalDate.ofEpochDay(Math.floorDiv(millis, DAY_MILLIS));
  }

  /**
   * What one batch produced, in the order it happened per user; users in the order the batch
   * first named them. A restatement withdraws what the journey had produced before a late event
   * changed it (the read side takes it off) and adds what it produces now.
   */
  static final class Facts {
    final List<SessionStarted> sessionsStarted = new ArrayList<>();
    final List<SessionEngaged> sessionsEngaged = new ArrayList<>();
    final List<Conversion> conversions = new ArrayList<>();
    final List<PathChange> pathChanges = new ArrayList<>();
    final List<FeedItem> feed = new ArrayList<>();
    /** The hit of each feed item, by position. */
    final List<Hit> feedHits = new ArrayList<>();
    final List<SessionStarted> sessionsWithdrawn = new ArrayList<>();
    final List<SessionEngaged> engagementsWithdrawn = new ArrayList<>();
    final List<Conversion> conversionsWithdrawn = new ArrayList<>();
    /** Hits too late to change a journey. */
    int tooLate;
    /** Hits that came before a user's latest recent one and had the journey derived again. */
    int outOfOrder;

    /**
     * Adds the difference between what a user's recent hits produced ({@code was}) and what they
     * produce with the hits that just {@code arrived} ({@code now}): facts only in {@code was}
     * are withdrawn, facts only in {@code now} added, facts in both left alone. Path changes
     * are withdrawn by their opposite. The feed gets the arrived hits only.
     */
    void restate(Facts was, Facts now, List<Hit> arrived) {
      Multisets.difference(was.sessionsStarted, now.sessionsStarted, sessionsWithdrawn, sessionsStarted);
      Multisets.difference(was.sessionsEngaged, now.sessionsEngaged, engagementsWithdrawn, sessionsEngaged);
      Multisets.difference(was.conversions, now.conversions, conversionsWithdrawn, conversions);
      var pathsOut = new ArrayList<PathChange>();
      Multisets.difference(was.pathChanges, now.pathChanges, pathsOut, pathChanges);
      for (var p : pathsOut) pathChanges.add(new PathChange(p.userId(), p.path(), -p.conversions(), -p.value(), -p.nulls()));
      var arrivedHits = Collections.newSetFromMap(new IdentityHashMap<Hit, Boolean>());
      arrivedHits.addAll(arrived);
      for (int i = 0; i < now.feed.size(); i++) {
        if (!arrivedHits.contains(now.feedHits.get(i))) continue;
        feed.add(now.feed.get(i));
        feedHits.add(now.feedHits.get(i));
      }
    }
  }
}
