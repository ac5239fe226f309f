package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Journeys in event time against an oracle that sorts: for any arrival order of users' events
 * within the allowed lateness, cut into any batches, the journeys (sessions, touchpoints,
 * conversions with every model's credits) and what the batches' facts add up to in the read
 * tables (sessions and engaged sessions per day and channel, credits per day, channel, campaign
 * and model, conversion paths) equal those of the same events applied in event-time order. And
 * the users' all-time profiles, even with events too late and recent events settled early, equal
 * what the events that were not too late add up to in event-time order.
 */
class EventTimeProperties {
  private static final long T0 = 1_780_000_000_000L;
  private static final long MINUTE = 60_000L;
  private static final long LATENESS = Duration.ofHours(72).toMillis();
  private static final String[] NAMES = {"page_view", "page_view", "click", "session_start", "purchase", "conversion"};
  private static final String[] CHANNELS = {"Direct", "Paid Search", "Email", "Organic Search", "Referral"};
  private static final String[] TRANSACTIONS = {null, null, "T1", "T2"};
  private static final String[] DEVICES = {null, "desktop", "mobile", "tablet"};

  private static final JourneySettings SETTINGS = JourneySettings.from(ConfigFactory.parseString(
          "session-timeout = 30m, lookback = 14d, allowed-lateness = 72h")
      .withFallback(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey")));
  /** Few recent events per user: they settle early, and an event before a settled one is too late. */
  private static final JourneySettings FEW_RECENT = JourneySettings.from(
      ConfigFactory.parseString("max-recent-events-per-user = 3").withFallback(ConfigFactory.parseResources("application.conf")
          .resolve().getConfig("beacon.journey")));

  /** One event of user {@code user}: what, when (minutes after T0), in which session and from where. */
  record Spec(int user, int name, int minute, int session, int channel, int engagementSeconds, int cents, int transaction) {}

  /** Events, how late each arrives (a delay of event time, at most the allowed lateness), batch sizes, a seed. */
  record Arrival(List<Spec> events, List<Integer> delayMinutes, List<Integer> batchSizes, long seed) {}

  @Provide
  Arbitrary<Arrival> oneUser() {
    return arrivals(0, 6 * 24 * 60, withinTheLateness(), 1);
  }

  @Provide
  Arbitrary<Arrival> severalUsers() {
    return arrivals(3, 8 * 24 * 60, withinTheLateness(), 1);
  }

  /** At least ten events, half of them delayed by up to three times the lateness: some come too late. */
  @Provide
  Arbitrary<Arrival> severalUsersSomeTooLate() {
    return arrivals(3, 8 * 24 * 60, Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, (int) (3 * LATENESS / MINUTE)))), 10);
  }

  /** Delays of event time in minutes: mostly none or short, some up to the lateness. */
  private static Arbitrary<Integer> withinTheLateness() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.just(0)),
        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 90)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, (int) (LATENESS / MINUTE))));
  }

  /**
   * Events spread over {@code spanMinutes} (wider than the lateness, so older events settle on the
   * way), each arriving a delay after its event time; at least {@code minEvents}, at most 30.
   */
  private static Arbitrary<Arrival> arrivals(int maxUser, int spanMinutes, Arbitrary<Integer> delays, int minEvents) {
    var spec = Combinators.combine(Arbitraries.integers().between(0, maxUser), Arbitraries.integers().between(0, NAMES.length - 1),
        Arbitraries.integers().between(0, spanMinutes), Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, CHANNELS.length - 1), Arbitraries.integers().between(0, 20),
        Arbitraries.integers().between(0, 20_000), Arbitraries.integers().between(0, TRANSACTIONS.length - 1)).as(Spec::new);
    return Combinators.combine(spec.list().ofMinSize(minEvents).ofMaxSize(30), delays.list().ofSize(30),
        Arbitraries.integers().between(1, 6).list().ofMinSize(1).ofMaxSize(5), Arbitraries.longs()).as(Arrival::new);
  }

  @Property(tries = 500)
  void anyArrivalOfOneUsersEventsWithinTheLatenessGivesTheInOrderJourney(@ForAll("oneUser") Arrival arrival) {
    check(arrival);
  }

  @Property(tries = 300)
  void anyArrivalOfSeveralUsersEventsGivesTheInOrderJourneys(@ForAll("severalUsers") Arrival arrival) {
    check(arrival);
  }

  @Property(tries = 300)
  void anyPermutationOfEventsWithinTheLatenessGivesTheInOrderJourneys(@ForAll("severalUsers") Arrival arrival) {
    // every event within 72 h of every other: any order at all is within the lateness
    var squeezed = arrival.events().stream().map(s -> new Spec(s.user(), s.name(), s.minute() % (71 * 60), s.session(),
        s.channel(), s.engagementSeconds(), s.cents(), s.transaction())).toList();
    var shuffled = new ArrayList<>(hits(squeezed));
    java.util.Collections.shuffle(shuffled, new Random(arrival.seed()));
    compare(squeezed, batches(shuffled, arrival.batchSizes()));
  }

  @Property(tries = 400)
  void anyArrivalGivesTheProfilesOfTheEventsNotTooLateInEventTime(@ForAll("severalUsersSomeTooLate") Arrival arrival) {
    var logic = new JourneyLogic(FEW_RECENT);
    var state = new JourneyState();
    var taken = new ArrayList<Hit>();
    var tooLate = 0;
    for (var batch : batches(arriving(arrival), arrival.batchSizes())) {
      for (var hit : batch) {
        var before = state.users.getOrDefault(hit.userId(), UserJourney.EMPTY);
        if (hit.timestampMillis() >= before.lateBefore(FEW_RECENT.allowedLateness())) taken.add(hit);
      }
      var update = state.plan(batch, logic, T0);
      tooLate += update.facts().tooLate;
      state.commit(update, FEW_RECENT);
    }

    assertThat(tooLate).isEqualTo(arrival.events().size() - taken.size());
    taken.sort(JourneyLogic.EVENT_TIME);
    // every user with an event has a journey: a user's first event is never too late
    assertThat(state.users.keySet()).containsExactlyInAnyOrderElementsOf(taken.stream().map(Hit::userId).distinct().toList());
    for (var user : state.users.keySet()) {
      var events = taken.stream().filter(h -> h.userId().equals(user)).toList();
      assertThat(state.users.get(user).profile()).as("profile of %s", user).isEqualTo(profileOf(events, logic));
    }
  }

  /**
   * The oracle: the profile of one user's events, in event time. Counts and money straight from
   * the events; sessions from the journey of these events applied at once, in order (with at
   * most 30 events, no bound on sessions or transaction ids is reached, so it keeps them all).
   */
  private static JourneyProfile profileOf(List<Hit> events, JourneyLogic logic) {
    var purchases = 0L;
    var spentMicros = 0L;
    Long first = null;
    Long last = null;
    var transactions = new java.util.HashSet<String>();
    var pageViews = 0L;
    String device = null;
    for (var hit : events) {
      if (hit.conversion() && (hit.transactionId() == null || transactions.add(hit.transactionId()))) {
        purchases++;
        spentMicros += hit.valueMicros();
        if (first == null) first = hit.timestampMillis();
        last = hit.timestampMillis();
      }
      if (hit.name().equals(JourneyLogic.PAGE_VIEW)) pageViews++;
      if (hit.deviceType() != null) device = hit.deviceType();
    }
    var latest = events.get(events.size() - 1);
    var sessions = new JourneyState().plan(events, logic, T0).users().get(latest.userId()).sessions();
    // the latest event's session: the newest of its id, or (no id) the latest session
    var latestSession = sessions.get(sessions.size() - 1);
    for (var s : sessions) if (latest.sessionId() != null && latest.sessionId().equals(s.sessionId())) latestSession = s;
    return new JourneyProfile(purchases, spentMicros / 1_000_000.0, first, last, sessions.size(),
        sessions.stream().filter(Session::engaged).count(), pageViews, device, latestSession.channel(),
        latest.timestampMillis(), true, true);
  }

  private static void check(Arrival arrival) {
    compare(arrival.events(), batches(arriving(arrival), arrival.batchSizes()));
  }

  /** The events in the order they arrive: event time plus their delay. */
  private static List<Hit> arriving(Arrival arrival) {
    var hits = hits(arrival.events());
    var order = new ArrayList<Integer>();
    for (int i = 0; i < hits.size(); i++) order.add(i);
    var random = new Random(arrival.seed());
    var arrivesAt = new long[hits.size()];
    for (int i = 0; i < hits.size(); i++) {
      arrivesAt[i] = hits.get(i).timestampMillis() + arrival.delayMinutes().get(i) * MINUTE + random.nextInt(1000);
    }
    order.sort(Comparator.comparingLong(i -> arrivesAt[i]));
    return order.stream().map(hits::get).toList();
  }

  private static List<Hit> hits(List<Spec> specs) {
    var hits = new ArrayList<Hit>();
    for (var s : specs) {
      var user = "user-" + s.user();
      var name = NAMES[s.name()];
      var channel = CHANNELS[s.channel()];
      var session = s.session() == 0 ? null : user + "." + s.session();
      var conversion = SETTINGS.conversionEvents().contains(name);
      hits.add(new Hit(user, name, T0 + s.minute() * MINUTE, session, channel, channel.equals("Direct") ? null : "c" + s.channel(),
          s.engagementSeconds() * 1000L, conversion ? s.cents() * 10_000L : 0, conversion ? TRANSACTIONS[s.transaction()] : null,
          conversion, DEVICES[(s.engagementSeconds() + s.cents()) % DEVICES.length]));
    }
    return hits;
  }

  private static List<List<Hit>> batches(List<Hit> arriving, List<Integer> sizes) {
    var batches = new ArrayList<List<Hit>>();
    int i = 0;
    int b = 0;
    while (i < arriving.size()) {
      var size = sizes.get(b++ % sizes.size());
      batches.add(arriving.subList(i, Math.min(arriving.size(), i + size)));
      i += size;
    }
    return batches;
  }

  private static void compare(List<Spec> specs, List<List<Hit>> batches) {
    var logic = new JourneyLogic(SETTINGS);
    var oracle = new JourneyState();
    var sorted = new ArrayList<>(hits(specs));
    sorted.sort(JourneyLogic.EVENT_TIME);
    var expectedTables = new ReadTables();
    var oracleUpdate = oracle.plan(sorted, logic, T0);
    expectedTables.add(oracleUpdate.facts());
    oracle.commit(oracleUpdate, SETTINGS);

    var state = new JourneyState();
    var tables = new ReadTables();
    var tooLate = 0;
    for (var batch : batches) {
      var update = state.plan(batch, logic, T0);
      tables.add(update.facts());
      tooLate += update.facts().tooLate;
      state.commit(update, SETTINGS);
    }

    assertThat(tooLate).isZero();
    assertThat(state.users.keySet()).containsExactlyInAnyOrderElementsOf(oracle.users.keySet());
    for (var user : oracle.users.keySet()) {
      var expected = oracle.users.get(user);
      var actual = state.users.get(user);
      assertThat(actual.sessions()).as("sessions of %s", user).isEqualTo(expected.sessions());
      assertThat(actual.touchpoints()).as("touchpoints of %s", user).isEqualTo(expected.touchpoints());
      assertThat(actual.conversions()).as("conversions of %s", user).isEqualTo(expected.conversions());
      assertThat(actual.profile()).as("profile of %s", user).isEqualTo(expected.profile());
    }
    tables.assertMatches(expectedTables);
  }
}
