package dev.beacon.journey;

import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.attribution.PathChange;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.attribution.Touchpoint;
import dev.beacon.event.Event;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * How a user's admitted events change the user's journey, and what facts that produces: pure
 * (no clock, no I/O), so the command handler can work out the facts of a batch and the event
 * handler can replay the same events to the same state.
 *
 * <ul>
 *   <li>Sessions: an event with a session id belongs to the stored session of that id (GA4's
 *       {@code ga_session_id} decides over the timeout), else opens one; an event without one
 *       continues the latest session unless it came more than the timeout after its last event.
 *       A session is engaged once its engagement exceeds {@code engagedAfter}, it has
 *       {@code engagedPageViews} page views, or a conversion.
 *   <li>Touchpoints: each session's traffic source at its first event (channel and campaign).
 *   <li>Conversions: events named in {@code conversionEvents}; one whose transaction id the user
 *       already converted with is not counted again (no transaction id never dedups). Each counted
 *       conversion is credited by every rule-based model at once.
 *   <li>Paths: each conversion adds its path (the channels of the touches it credits); the user's
 *       open path (touches since the last conversion) carries one non-converting journey, moved
 *       when the path changes.
 * </ul>
 *
 * <p>Not final only so that tests can stand in logic that fails on one user's events.
 */
class JourneyLogic {
  static final String PAGE_VIEW = "page_view";
  private static final long DAY_MILLIS = 86_400_000L;
  private static final double MICROS = 1_000_000.0;

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
        e.durationMillis(), e.valueMicros(), e.transactionId(), settings.conversionEvents().contains(e.name()));
  }

  /** Applies one user's hits, in order, to the user's journey; adds what happened to {@code facts}. */
  UserJourney apply(String userId, UserJourney before, List<Hit> hits, Facts facts) {
    var sessions = new ArrayList<>(before.sessions());
    var conversions = new ArrayList<>(before.conversions());
    var transactionIds = new ArrayList<>(before.transactionIds());
    var lastConversion = before.lastConversionMillis();
    var lastActive = before.lastActiveMillis();
    // the open path changes only when a session opens or is dropped, or the user converts
    var pathMayChange = false;
    for (var hit : hits) {
      var index = sessionOf(sessions, hit);
      if (index < 0) {
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
      if (updated.engaged() && !session.engaged()) {
        facts.sessionsEngaged.add(new SessionEngaged(userId, updated.sessionId(), day(updated.startMillis()),
            updated.channel(), updated.campaign()));
      }
      facts.feed.add(new FeedItem(hit.timestampMillis(), hit.name(), userId, updated.channel(), updated.campaign()));
      if (hit.conversion() && (hit.transactionId() == null || !transactionIds.contains(hit.transactionId()))) {
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
    }
    var after = new UserJourney(sessions, conversions, transactionIds, lastConversion, lastActive);
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

  /** What one batch produced, in the order it happened per user; users in the order the batch first named them. */
  static final class Facts {
    final List<SessionStarted> sessionsStarted = new ArrayList<>();
    final List<SessionEngaged> sessionsEngaged = new ArrayList<>();
    final List<Conversion> conversions = new ArrayList<>();
    final List<PathChange> pathChanges = new ArrayList<>();
    final List<FeedItem> feed = new ArrayList<>();
  }
}
