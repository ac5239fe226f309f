package dev.beacon.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignBatchPart;
import dev.beacon.campaign.CampaignModel;
import dev.beacon.event.BatchPart;
import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.event.EventType;
import dev.beacon.event.Verdict;
import dev.beacon.journey.JourneyBatchPart;
import dev.beacon.journey.JourneyBucket;
import dev.beacon.journey.JourneyBuckets;
import dev.beacon.journey.JourneyBucketModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The exactly-once invariant over generated traffic: distinct events sent, retried (next to the
 * original, in the same micro-batch, a later one, on the other partition), read in micro-batches
 * of any size with several in flight, and crashes between any two entity writes (each entity
 * having persisted any prefix of its share of the batches in flight), after which entities
 * recover from a snapshot and their journal and the stream re-reads from the last commit. The
 * batches are routed exactly as the ingest routes them ({@link JourneyBatchPart}, {@link CampaignBatchPart}, {@link BatchVerdicts}) through the
 * entities' own decisions and event handlers; the oracle counts the distinct events once.
 *
 * <p>Checked: every campaign counter equals the oracle's; every user's journey (sessions,
 * touchpoints, conversions with their credits) and what the buckets journaled for the read side
 * equal those of the distinct events applied once; consumed = applied + redelivered +
 * deduplicated + dead-lettered in every process; without a crash, applied = distinct events.
 */
class DeliveryShapesProperties {
  private static final String TOPIC = "beacon.events";
  private static final Instant BASE = Instant.parse("2026-11-30T12:00:00Z");
  private static final JourneyBuckets BUCKETS = new JourneyBuckets(2, 1, JourneyBuckets.BucketHash.MURMUR2);
  private static final int PARTITIONS = 2;
  private static final String[] USERS = {null, "ann", "bob", "cy", "dee"};
  private static final EventType[] TYPES = {EventType.IMPRESSION, EventType.CLICK, EventType.CONVERSION, EventType.VIEW};
  private static int runs;

  /** One distinct event: who, what, when. {@code kind} 0 is a campaign event, 1 a GA4 page view, 2 a GA4 purchase. */
  record Spec(int user, int kind, int campaign, int type, int second, int cents, int session) {}

  /** A retry of event {@code event}, sent {@code gap} sends after its original (0: right after it), maybe on the other partition. */
  record Retry(int event, int gap, boolean otherPartition) {}

  /** A traffic shape: events, retries, micro-batch sizes, batches in flight, where crashes come, and a seed for the rest. */
  record Traffic(List<Spec> events, List<Retry> retries, List<Integer> batchSizes, int inFlight, List<Boolean> crashes,
      long seed) {}

  @Provide
  Arbitrary<Traffic> traffic() {
    var spec = Combinators.combine(Arbitraries.integers().between(0, USERS.length - 1), Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, TYPES.length - 1),
        Arbitraries.integers().between(0, 1200), Arbitraries.integers().between(0, 500),
        Arbitraries.integers().between(0, 2)).as(Spec::new);
    var retry = Combinators.combine(Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, 12),
        Arbitraries.of(false, false, true)).as(Retry::new);
    return Combinators.combine(spec.list().ofMinSize(1).ofMaxSize(16), retry.list().ofMaxSize(10),
        Arbitraries.integers().between(1, 8).list().ofMinSize(1).ofMaxSize(4), Arbitraries.integers().between(1, 3),
        Arbitraries.of(false, false, true).list().ofMaxSize(6), Arbitraries.longs()).as(Traffic::new);
  }

  @Property(tries = 400)
  void everyDeliveryShapeCountsEachEventOnce(@ForAll("traffic") Traffic traffic) {
    check(traffic);
  }

  /**
   * A rebalance hands records that one node still has in flight to another, which reads them
   * again from the last commit: the two nodes' micro-batches (of their own sizes) reach the same
   * entities interleaved in any order, each node's parts in their order. The entities count each
   * event once, and so do the two nodes' statuses together.
   */
  @Property(tries = 300)
  void twoNodesReadingTheSameRecordsCountEachEventOnce(@ForAll("traffic") Traffic traffic,
      @ForAll @IntRange(min = 0, max = 40) int committedBeforeRebalance) {
    var run = "t" + (runs++);
    var records = records(run, traffic);
    var pipeline = new Pipeline(new Random(traffic.seed()));
    var now = BASE.plusSeconds(1800).toEpochMilli();
    var handedOver = Math.min(committedBeforeRebalance, records.size());
    for (var batch : batches(records.subList(0, handedOver), traffic.batchSizes(), 0)) {
      pipeline.count(batch, pipeline.judgeCampaigns(batch, pipeline.judgeJourneys(batch, now, id -> true), now, id -> true));
    }
    var rest = records.subList(handedOver, records.size());
    var nodes = List.of(new NodeBatches(batches(rest, traffic.batchSizes(), 0)),
        new NodeBatches(batches(rest, traffic.batchSizes(), 1)));
    var random = new Random(traffic.seed() + 1);
    while (nodes.stream().anyMatch(NodeBatches::busy)) {
      var node = nodes.get(random.nextInt(nodes.size()));
      if (node.canJudgeJourneys() && (!node.canJudgeCampaigns() || random.nextBoolean())) {
        var batch = node.batches.get(node.journeysDone);
        node.judged.add(pipeline.judgeJourneys(batch, now, id -> true));
        node.journeysDone++;
      } else if (node.canJudgeCampaigns()) {
        var batch = node.batches.get(node.campaignsDone);
        pipeline.count(batch, pipeline.judgeCampaigns(batch, node.judged.get(node.campaignsDone), now, id -> true));
        node.campaignsDone++;
      }
    }
    pipeline.assertStatusAddsUp();
    var distinct = new ArrayList<Event>(new LinkedHashSet<>(records.stream().map(Delivered::event).toList()));
    assertThat(pipeline.counts[Verdict.APPLIED.ordinal()]).as("applied, on both nodes together").isEqualTo(distinct.size());
    assertCampaignsMatchTheOracle(pipeline, distinct);
    assertJourneysMatchTheOracle(pipeline, distinct);
  }

  /** One node's micro-batches, and how far its journey and campaign parts have judged them. */
  private static final class NodeBatches {
    final List<List<Delivered>> batches;
    final List<BatchVerdicts> judged = new ArrayList<>();
    int journeysDone;
    int campaignsDone;

    NodeBatches(List<List<Delivered>> batches) {
      this.batches = batches;
    }

    boolean canJudgeJourneys() {
      return journeysDone < batches.size();
    }

    boolean canJudgeCampaigns() {
      return campaignsDone < journeysDone;
    }

    boolean busy() {
      return campaignsDone < batches.size();
    }
  }

  /** {@code records} cut into micro-batches of the given sizes, in turn, starting with the {@code first}th size. */
  private static List<List<Delivered>> batches(List<Delivered> records, List<Integer> sizes, int first) {
    var batches = new ArrayList<List<Delivered>>();
    var position = 0;
    for (int b = first; position < records.size(); b++) {
      var size = sizes.get(b % sizes.size());
      batches.add(records.subList(position, Math.min(records.size(), position + size)));
      position += size;
    }
    return batches;
  }

  @Example
  void theSameEventTwiceInOneRequestCountsOnce() {
    check(new Traffic(List.of(campaignEventOf(1)), List.of(new Retry(0, 0, false)), List.of(10), 1, List.of(), 1));
  }

  @Example
  void aRetryInTheNextRequestOfTheSameMicroBatchCountsOnce() {
    var events = List.of(campaignEventOf(1), campaignEventOf(2));
    check(new Traffic(events, List.of(new Retry(0, 1, false)), List.of(10), 1, List.of(), 2));
  }

  @Example
  void twoEventsAndOneRetriedCountTwo() {
    var events = List.of(campaignEventOf(1), new Spec(1, 0, 0, 0, 20, 10, 0));
    check(new Traffic(events, List.of(new Retry(0, 1, false)), List.of(10), 1, List.of(), 3));
  }

  @Example
  void fourClientsRetryingTheirBatchesAtOnceCountEachEventOnce() {
    var events = new ArrayList<Spec>();
    var retries = new ArrayList<Retry>();
    for (int i = 0; i < 16; i++) {
      events.add(new Spec(i % USERS.length, i % 3, i % 2, i % TYPES.length, i * 7, i, i % 3));
      if (i % 3 == 0) retries.add(new Retry(i, i % 4, false));       // same request or the next
      if (i % 4 == 1) retries.add(new Retry(i, 8, i % 8 == 1));      // the whole batch again, later
    }
    check(new Traffic(events, retries, List.of(5, 3, 8), 3, List.of(false, true, false, true), 4));
  }

  @Example
  void byteIdenticalRecordsAmongManyCountOnce() {
    var events = new ArrayList<Spec>();
    for (int i = 0; i < 40; i++) events.add(new Spec(i % USERS.length, 0, i % 2, i % TYPES.length, i, i, i % 3));
    check(new Traffic(events, List.of(new Retry(17, 5, false), new Retry(31, 0, false)), List.of(8), 2, List.of(), 5));
  }

  private static Spec campaignEventOf(int user) {
    return new Spec(user, 0, 0, 1, 10, 100, 0);
  }

  // The pipeline, modelled

  private static final class Pipeline {
    final Map<String, JourneyBucketModel> buckets = new HashMap<>();
    final Map<String, CampaignModel> campaigns = new HashMap<>();
    final Random random;
    long consumed;
    final long[] counts = new long[Verdict.values().length];

    Pipeline(Random random) {
      this.random = random;
    }

    JourneyBucketModel bucket(String id) {
      return buckets.computeIfAbsent(id, JourneyBucketModel::new);
    }

    CampaignModel campaign(String id) {
      return campaigns.computeIfAbsent(id, CampaignModel::new);
    }

    /**
     * Applies a batch as the ingest does, every entity persisting its share; or, when
     * {@code persists} says so for an entity, that entity stops before it (a crash).
     * Returns false when some entity did not persist.
     */
    boolean apply(List<Delivered> batch, long now, EntityGate gate) {
      var complete = new boolean[] {true};
      var judged = judgeJourneys(batch, now, id -> {
        var persisted = gate.persists("Journey|" + id);
        complete[0] &= persisted;
        return persisted;
      });
      // a campaign's command waits for every journey verdict of its batch
      judged = judgeCampaigns(batch, judged, now, id -> {
        var persisted = complete[0] && gate.persists("Campaign|" + id);
        if (!persisted) {
          complete[0] = false;
          gate.block("Campaign|" + id);
        }
        return persisted;
      });
      if (!complete[0]) return false;
      count(batch, judged);
      return true;
    }

    /** The journey buckets judge their shares of the batch; a bucket that {@code persists} refuses stops before it. */
    BatchVerdicts judgeJourneys(List<Delivered> batch, long now, Predicate<String> persists) {
      var shares = new ArrayList<List<Integer>>();
      var judgements = new ArrayList<BatchPart.Judgement>();
      for (var share : JourneyBatchPart.shares(batch, BUCKETS).entrySet()) {
        if (!persists.test(share.getKey())) continue;
        var bucket = bucket(share.getKey());
        shares.add(share.getValue());
        judgements.add(new BatchPart.Judgement(bucket.admit(BatchVerdicts.deliveries(batch, share.getValue()), now), Map.of()));
        if (random.nextInt(4) == 0) bucket.snapshot();
      }
      return BatchVerdicts.none(batch.size()).with(shares, judgements);
    }

    /** The campaigns judge their shares of the batch, given the journeys' verdicts; one that {@code persists} refuses stops before it. */
    BatchVerdicts judgeCampaigns(List<Delivered> batch, BatchVerdicts judged, long now, Predicate<String> persists) {
      var shares = new ArrayList<List<Integer>>();
      var judgements = new ArrayList<BatchPart.Judgement>();
      for (var share : CampaignBatchPart.sharesOf(batch).entrySet()) {
        if (!persists.test(share.getKey())) continue;
        var campaign = campaign(share.getKey());
        var notCounted = CampaignBatchPart.notCounted(judged.of(share.getValue()));
        shares.add(share.getValue());
        judgements.add(new BatchPart.Judgement(
            campaign.apply(BatchVerdicts.deliveries(batch, share.getValue()), notCounted, now), Map.of()));
        if (random.nextInt(4) == 0) campaign.snapshot();
      }
      return judged.with(shares, judgements);
    }

    /** A batch every part judged is consumed: its verdicts go to the status. */
    void count(List<Delivered> batch, BatchVerdicts judged) {
      consumed += batch.size();
      for (int i = 0; i < batch.size(); i++) counts[judged.verdict(i).ordinal()]++;
    }

    void restart() {
      buckets.values().forEach(JourneyBucketModel::restart);
      campaigns.values().forEach(CampaignModel::restart);
      consumed = 0;
      java.util.Arrays.fill(counts, 0);
    }

    void assertStatusAddsUp() {
      long judged = 0;
      for (var c : counts) judged += c;
      assertThat(consumed).as("consumed = applied + redelivered + deduplicated + dead-lettered").isEqualTo(judged);
    }
  }

  /** Which entities persist their share: all of them, or (before a crash) each a prefix of its commands. */
  private static final class EntityGate {
    private final Random random;
    private final boolean crashing;
    private final Set<String> stopped = new java.util.HashSet<>();

    EntityGate(Random random, boolean crashing) {
      this.random = random;
      this.crashing = crashing;
    }

    boolean persists(String entity) {
      if (!crashing) return true;
      if (stopped.contains(entity)) return false;
      if (random.nextInt(3) == 0) {
        stopped.add(entity);
        return false;
      }
      return true;
    }

    /** An entity whose command could not go (it waited for another) has none after it either. */
    void block(String entity) {
      if (crashing) stopped.add(entity);
    }
  }

  private static void check(Traffic traffic) {
    var run = "t" + (runs++);
    var records = records(run, traffic);

    var random = new Random(traffic.seed());
    var pipeline = new Pipeline(random);
    var committed = 0;
    var batchNumber = 0;
    var attempt = 0;
    var now = BASE.plusSeconds(1800).toEpochMilli();
    while (committed < records.size()) {
      var crash = attempt < traffic.crashes().size() && traffic.crashes().get(attempt);
      attempt++;
      var gate = new EntityGate(random, crash);
      var position = committed;
      var allPersisted = true;
      for (int b = 0; b < traffic.inFlight() && position < records.size(); b++) {
        var size = traffic.batchSizes().get((batchNumber + b) % traffic.batchSizes().size());
        var batch = records.subList(position, Math.min(records.size(), position + size));
        allPersisted &= pipeline.apply(batch, now, gate);
        position += batch.size();
      }
      now += 1000;
      if (crash) {
        pipeline.assertStatusAddsUp();
        pipeline.restart();
        continue;
      }
      assertThat(allPersisted).isTrue();
      // the window's batches all persisted: their offsets are committed, in order
      batchNumber += traffic.inFlight();
      committed = position;
    }
    pipeline.assertStatusAddsUp();

    var distinct = new ArrayList<Event>(new LinkedHashSet<>(records.stream().map(Delivered::event).toList()));
    if (traffic.crashes().stream().noneMatch(c -> c)) {
      assertThat(pipeline.counts[Verdict.APPLIED.ordinal()]).as("applied").isEqualTo(distinct.size());
      assertThat(pipeline.counts[Verdict.DUPLICATE.ordinal()]).as("deduplicated").isEqualTo(records.size() - distinct.size());
    }
    assertCampaignsMatchTheOracle(pipeline, distinct);
    assertJourneysMatchTheOracle(pipeline, distinct);
  }

  private static void assertCampaignsMatchTheOracle(Pipeline pipeline, List<Event> distinct) {
    var byCampaign = new LinkedHashMap<String, List<Event>>();
    for (var e : distinct) {
      if (e.type() != null && e.hasCampaign()) {
        byCampaign.computeIfAbsent(Campaign.entityId(e.organizationId(), e.campaignId()), k -> new ArrayList<>()).add(e);
      }
    }
    assertThat(pipeline.campaigns.keySet()).containsExactlyInAnyOrderElementsOf(byCampaign.keySet());
    byCampaign.forEach((id, counted) ->
        assertThat(pipeline.campaign(id).totals()).as("campaign " + id).isEqualTo(CampaignModel.totalsOf(counted)));
  }

  private static void assertJourneysMatchTheOracle(Pipeline pipeline, List<Event> distinct) {
    var oracle = new HashMap<String, List<Delivered>>();
    for (int i = 0; i < distinct.size(); i++) {
      var e = distinct.get(i);
      if (!e.hasUser()) continue;
      oracle.computeIfAbsent(BUCKETS.entityId(e.organizationId(), e.userId()), k -> new ArrayList<>())
          .add(new Delivered(e, TOPIC, 0, i));
    }
    assertThat(pipeline.buckets.keySet()).containsExactlyInAnyOrderElementsOf(oracle.keySet());
    oracle.forEach((id, once) -> {
      var expected = new JourneyBucketModel("oracle-" + id);
      expected.admit(once, BASE.plusSeconds(1800).toEpochMilli());
      var actual = pipeline.bucket(id);
      for (var user : once.stream().map(d -> d.event().userId()).distinct().toList()) {
        assertThat(actual.journey(user)).as("journey of " + user).isEqualTo(expected.journey(user));
      }
      // in any order: Kafka orders no two partitions, and two nodes interleave them differently
      assertThat(actual.journaledConversions()).as("conversions for the read side")
          .containsExactlyInAnyOrderElementsOf(expected.journaledConversions());
      assertThat(actual.journaledSessions()).as("sessions for the read side")
          .containsExactlyInAnyOrderElementsOf(expected.journaledSessions());
    });
  }

  /** The records the traffic's sends make, each on its partition at the next offset. */
  private static List<Delivered> records(String run, Traffic traffic) {
    var events = new ArrayList<Event>();
    for (int i = 0; i < traffic.events().size(); i++) events.add(event(run, i, traffic.events().get(i)));
    var records = new ArrayList<Delivered>();
    var nextOffset = new long[PARTITIONS];
    for (var send : sends(events.size(), traffic.retries())) {
      var e = events.get(send.event());
      var home = Math.floorMod(e.partitionKey().hashCode(), PARTITIONS);
      var partition = send.otherPartition() ? (home + 1) % PARTITIONS : home;
      records.add(new Delivered(e, TOPIC, partition, nextOffset[partition]++));
    }
    return records;
  }

  /** The sends in order: every event once, then each retry inserted {@code gap} sends after its event's original. */
  private static List<Retry> sends(int events, List<Retry> retries) {
    var sends = new ArrayList<Retry>();
    for (int i = 0; i < events; i++) sends.add(new Retry(i, 0, false));
    for (var retry : retries) {
      var event = retry.event() % events;
      var original = 0;
      while (sends.get(original).event() != event) original++;
      sends.add(Math.min(sends.size(), original + 1 + retry.gap()), new Retry(event, 0, retry.otherPartition()));
    }
    return sends;
  }

  private static Event event(String run, int index, Spec spec) {
    var org = "org-" + run;
    var user = USERS[spec.user()];
    var time = BASE.plusSeconds(spec.second());
    var session = user == null ? "s" + spec.session() : user + "-s" + spec.session();
    var id = run + "-e" + index;
    if (spec.kind() == 0 || user == null) {
      var type = TYPES[spec.type()];
      return new Event(id, "campaign", org, type.wireName(), type, "c" + spec.campaign(), user, session, time,
          spec.cents() * 10_000L, "USD", spec.type() == 3 ? 1500 : 0, null, null, null, null, null, List.of(), null, null, null);
    }
    var purchase = spec.kind() == 2;
    var source = new Event.TrafficSource(spec.campaign() == 0 ? "google" : "newsletter",
        spec.campaign() == 0 ? "cpc" : "email", "spring");
    return new Event(id, "ga4", org, purchase ? "purchase" : "page_view", null, null, user, session, time,
        purchase ? spec.cents() * 10_000L : 0, "USD", 2000, source, purchase ? "T" + index : null, "desktop", null,
        null, List.of(), null, null, null);
  }
}
