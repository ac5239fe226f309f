package dev.beacon.journey;

import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.common.TaggedProjections;
import dev.beacon.ops.ProjectionLag;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * The conversions the journeys counted, handed on as they are persisted: one projection per
 * journey tag (a sharded daemon process, its offsets in the read-side database) that gives each
 * group of events' conversions to a consumer and stores the offset once the consumer is done. At
 * least once: after a crash a group can be handed over again, so the consumer must take a
 * conversion twice without effect (the models do: a decision learns one reward). Only events that
 * passed validation and dedup reach a journey, so only they reach the consumer, and no conversion
 * flagged as invalid traffic does. A conversion a
 * late event withdraws is not taken back (what a model learned stays learned); its restated
 * form comes again and finds its decision answered.
 */
public final class JourneyConversions {
  private JourneyConversions() {}

  /**
   * A conversion a journey counted: whose, which of theirs ({@code conversionId}: its event name,
   * time and transaction id, the same when a late event restates it), when (event time), its
   * value, and the campaigns its touches came from.
   */
  public record Counted(String organizationId, String userId, String conversionId, long timestampMillis, double value,
      List<String> campaigns) {
    public Counted {
      campaigns = List.copyOf(campaigns);
    }
  }

  public static void init(ActorSystem<?> system, ReadSideDatabase database, MeterRegistry registry,
      Function<List<Counted>, CompletionStage<Done>> consumer) {
    var lag = new ProjectionLag(registry, "journey-conversions");
    TaggedProjections.<JourneyBucket.Event>atLeastOnce(system, "journey-conversions", JourneyBucket.TAGS, database,
        () -> new Consumer(consumer, lag));
  }

  static String conversionId(Conversion conversion) {
    var id = conversion.name() + "@" + conversion.timestampMillis();
    return conversion.transactionId() == null ? id : id + "#" + conversion.transactionId();
  }

  /**
   * Every campaign the conversion's touches came from (its linear credits name each counted touch
   * once), in path order, and the campaign of the converting event itself when it is among
   * {@code hits} (a click and a purchase can share a session that another campaign opened).
   */
  static List<String> campaigns(Conversion conversion, List<Hit> hits) {
    var campaigns = new LinkedHashSet<String>();
    for (var credit : conversion.credits().getOrDefault(RuleBasedAttribution.LINEAR, List.of())) {
      if (!RuleBasedAttribution.NO_TOUCH_CAMPAIGN.equals(credit.campaign())) campaigns.add(credit.campaign());
    }
    for (var hit : hits) {
      if (hit.conversion() && hit.campaign() != null && hit.timestampMillis() == conversion.timestampMillis()
          && hit.userId().equals(conversion.userId()) && hit.name().equals(conversion.name())) {
        campaigns.add(hit.campaign());
      }
    }
    return List.copyOf(campaigns);
  }

  /**
   * Whether the conversion's own event is among {@code hits} flagged as invalid traffic: the models
   * learn from none (with {@code beacon.behaviour.invalid-traffic.attribution = include} journeys
   * still count it). A restatement of it in a later batch, without its hit, is not recognised.
   */
  static boolean flagged(Conversion conversion, List<Hit> hits) {
    for (var hit : hits) {
      if (hit.invalidTraffic() != null && hit.conversion() && hit.timestampMillis() == conversion.timestampMillis()
          && hit.userId().equals(conversion.userId()) && hit.name().equals(conversion.name())) {
        return true;
      }
    }
    return false;
  }

  private static final class Consumer extends Handler<List<EventEnvelope<JourneyBucket.Event>>> {
    private final Function<List<Counted>, CompletionStage<Done>> consumer;
    private final ProjectionLag lag;

    Consumer(Function<List<Counted>, CompletionStage<Done>> consumer, ProjectionLag lag) {
      this.consumer = consumer;
      this.lag = lag;
    }

    @Override
    public CompletionStage<Done> process(List<EventEnvelope<JourneyBucket.Event>> envelopes) {
      var counted = new ArrayList<Counted>();
      for (var envelope : envelopes) {
        if (!(envelope.event() instanceof JourneyBucket.JourneysUpdated update)) continue;
        for (var conversion : update.conversions()) {
          if (flagged(conversion, update.hits())) continue;
          counted.add(new Counted(update.organizationId(), conversion.userId(), conversionId(conversion),
              conversion.timestampMillis(), conversion.value(), campaigns(conversion, update.hits())));
        }
      }
      var handed = counted.isEmpty() ? java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance()) : consumer.apply(counted);
      return handed.thenApply(done -> {
        lag.handled(envelopes);
        return done;
      });
    }
  }
}
