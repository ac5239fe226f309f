package dev.beacon.simulate;

import dev.beacon.simulate.JourneyPlanner.Plan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded traffic for a set of organisations and campaigns: up to {@code concurrency} user
 * journeys in progress at once, each call to {@link #next} advancing one of them (or starting a
 * new one) by one event. The same seed, options and sequence of {@code now} values give the same
 * bytes; nothing here reads a clock. A step is stamped {@code now}, never before its journey's
 * previous step, so events are never in the future however fast they are drawn; bot clicks
 * follow each other within milliseconds. Users keep their device and place across journeys and
 * get a fresh GA4 session id per visit. Not thread-safe: one model per run.
 */
final class TrafficModel {
  /** An organisation and the campaigns its paid and email traffic belongs to. */
  public record Organization(String id, List<String> campaignIds) {
    public Organization {
      campaignIds = List.copyOf(campaignIds);
      if (campaignIds.isEmpty()) throw new IllegalArgumentException("organisation " + id + " has no campaigns");
    }
  }

  private final List<Organization> organizations;
  private final List<double[]> campaignWeights = new ArrayList<>();
  private final int usersPerOrganization;
  private final int concurrency;
  private final long seed;
  private final String salt;
  private final Random random;
  private final JourneyPlanner planner;
  private final List<Active> active = new ArrayList<>();
  /** Per user: the last GA4 session id and the number of sessions so far. */
  private final Map<Long, long[]> sessions = new HashMap<>();
  private Active sticky;
  private long eventSeq;
  private long transactionSeq;

  /**
   * @param concurrency how many journeys are in progress at once (more spreads each journey over more time)
   * @param runStart when this run started: it only salts event and transaction ids, so that a rerun
   *     with the same seed is not taken for a retry of the first run's events
   */
  public TrafficModel(List<Organization> organizations, TrafficMix mix, int usersPerOrganization, int concurrency,
      long seed, Instant runStart) {
    if (organizations.isEmpty()) throw new IllegalArgumentException("no organisations");
    if (usersPerOrganization < 1 || concurrency < 1) throw new IllegalArgumentException("users and concurrency must be positive");
    this.organizations = List.copyOf(organizations);
    this.usersPerOrganization = usersPerOrganization;
    this.concurrency = concurrency;
    this.seed = seed;
    this.salt = Long.toHexString(mix(seed ^ mix(runStart.toEpochMilli())));
    this.random = new Random(seed);
    this.planner = new JourneyPlanner(mix);
    for (var org : this.organizations) {
      // a few campaigns get most of the traffic, as in real accounts
      var cumulative = new double[org.campaignIds().size()];
      var sum = 0.0;
      for (int i = 0; i < cumulative.length; i++) cumulative[i] = sum += 1 / Math.pow(i + 1, 0.7);
      campaignWeights.add(cumulative);
    }
  }

  /** The next event of the interleaved traffic, stamped no earlier than {@code now}. */
  public SimulatedEvent next(Instant now) {
    var nowMillis = now.toEpochMilli();
    var journey = sticky;
    if (journey == null) {
      var slot = random.nextInt(concurrency);
      journey = slot < active.size() ? active.get(slot) : begin();
    }
    return advance(journey, nowMillis);
  }

  /** One complete journey (impressions, click, the whole funnel, purchase, conversion) that ends at {@code end}. */
  public List<SimulatedEvent> journey(Instant end) {
    var orgIndex = random.nextInt(organizations.size());
    var plan = planner.complete(random, campaign(orgIndex), this::nextTransactionId);
    var journey = new Active(orgIndex, random.nextInt(usersPerOrganization), plan);
    var total = plan.steps().stream().mapToLong(JourneyPlanner.Step::gapMillis).sum();
    var time = end.toEpochMilli() - total;
    var events = new ArrayList<SimulatedEvent>(plan.steps().size());
    for (var step : plan.steps()) {
      time += step.gapMillis();
      events.add(emit(journey, step, time));
    }
    return events;
  }

  private Active begin() {
    var orgIndex = random.nextInt(organizations.size());
    Plan plan;
    do {
      plan = planner.plan(random, campaign(orgIndex), this::nextTransactionId);
    } while (plan.steps().isEmpty());
    var journey = new Active(orgIndex, random.nextInt(usersPerOrganization), plan);
    journey.slot = active.size();
    active.add(journey);
    return journey;
  }

  private SimulatedEvent advance(Active journey, long nowMillis) {
    var steps = journey.plan.steps();
    var step = steps.get(journey.position);
    var time = journey.position == 0 ? nowMillis
        : Math.max(nowMillis, journey.lastMillis + (step.sticky() ? step.gapMillis() : 1));
    var event = emit(journey, step, time);
    var done = journey.position == steps.size();
    if (done) remove(journey);
    sticky = !done && steps.get(journey.position).sticky() ? journey : null;
    return event;
  }

  private SimulatedEvent emit(Active journey, JourneyPlanner.Step step, long time) {
    if (journey.position == 0 || step.newSession()) openSession(journey, time);
    journey.position++;
    journey.lastMillis = time;
    var context = new EventWriter.Context(organizations.get(journey.orgIndex).id(), journey.user.id(),
        journey.plan.bot() ? journey.user.bot() : journey.user.agent(), journey.user.place(), journey.plan.source(),
        journey.plan.campaignId(), journey.gaSessionId, journey.sessionNumber);
    var eventId = step.kind().isAd() ? "sim-" + salt + "-" + eventSeq++ : null;
    return EventWriter.write(context, step, Instant.ofEpochMilli(time), eventId);
  }

  /** GA4 session ids are the session's start in epoch seconds, made unique per user. */
  private void openSession(Active journey, long time) {
    var state = sessions.computeIfAbsent((long) journey.orgIndex * usersPerOrganization + journey.userIndex, k -> new long[2]);
    state[0] = Math.max(time / 1000, state[0] + 1);
    state[1]++;
    journey.gaSessionId = state[0];
    journey.sessionNumber = state[1];
  }

  private void remove(Active journey) {
    var last = active.remove(active.size() - 1);
    if (last != journey) {
      active.set(journey.slot, last);
      last.slot = journey.slot;
    }
  }

  private String campaign(int orgIndex) {
    var cumulative = campaignWeights.get(orgIndex);
    var pick = random.nextDouble() * cumulative[cumulative.length - 1];
    var campaigns = organizations.get(orgIndex).campaignIds();
    for (int i = 0; i < cumulative.length; i++) {
      if (pick < cumulative[i]) return campaigns.get(i);
    }
    return campaigns.get(campaigns.size() - 1);
  }

  private String nextTransactionId() {
    return "T-" + salt + "-" + transactionSeq++;
  }

  /** A user's lasting traits, the same in every journey: drawn from the seed and the user's number alone. */
  private User user(int orgIndex, int userIndex) {
    var traits = new Random(mix(mix(seed + orgIndex) + userIndex));
    return new User("user-" + userIndex,
        Catalogue.weighted(Catalogue.AGENTS, Catalogue.Agent::weight, traits),
        Catalogue.weighted(Catalogue.BOTS, Catalogue.Agent::weight, traits),
        Catalogue.weighted(Catalogue.PLACES, Catalogue.Place::weight, traits));
  }

  /** SplitMix64's finaliser: spreads nearby numbers over all 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private record User(String id, Catalogue.Agent agent, Catalogue.Agent bot, Catalogue.Place place) {}

  private final class Active {
    final int orgIndex;
    final int userIndex;
    final User user;
    final Plan plan;
    int slot;
    int position;
    long lastMillis;
    long gaSessionId;
    long sessionNumber;

    Active(int orgIndex, int userIndex, Plan plan) {
      this.orgIndex = orgIndex;
      this.userIndex = userIndex;
      this.user = user(orgIndex, userIndex);
      this.plan = plan;
    }
  }
}
