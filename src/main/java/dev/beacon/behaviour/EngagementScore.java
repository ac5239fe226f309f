package dev.beacon.behaviour;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.beacon.common.CborSerializable;
import java.time.Duration;

/**
 * A user's engagement as one decaying sum: every event adds points for frequency (the event
 * itself), engaged time (seconds of engagement) and depth (a page view, a conversion), and the
 * sum halves every {@code halfLife} of event time, so recency is in it too. Kept at the time of
 * the user's latest event ({@code points} as of {@code atMillis}); read as a score from 0 to 100
 * at any later time: {@code 100 · (1 − e^(−points/scale))}, where {@code scale} is the points of a
 * typically engaged user. Immutable; in snapshots an array.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"points", "atMillis"})
public record EngagementScore(double points, long atMillis) implements CborSerializable {

  public static final EngagementScore NONE = new EngagementScore(0, Long.MIN_VALUE);

  /**
   * The weights of an event's parts and how fast they fade.
   *
   * @param eventWeight points per event (frequency)
   * @param engagedSecondWeight points per second of engagement time
   * @param pageViewWeight points per page view (depth)
   * @param conversionWeight points per conversion (depth)
   * @param halfLife the points halve over this much event time
   * @param scale the points that read as a score of 63 (1 − 1/e)
   */
  public record Weights(double eventWeight, double engagedSecondWeight, double pageViewWeight, double conversionWeight,
      Duration halfLife, double scale) {
    public Weights {
      if (halfLife.isNegative() || halfLife.isZero()) {
        throw new IllegalArgumentException("beacon.behaviour.engagement.half-life: must be positive");
      }
      if (!(scale > 0)) throw new IllegalArgumentException("beacon.behaviour.engagement.scale: must be positive");
      if (eventWeight < 0 || engagedSecondWeight < 0 || pageViewWeight < 0 || conversionWeight < 0) {
        throw new IllegalArgumentException("beacon.behaviour.engagement: weights must not be negative");
      }
    }
  }

  /** The score with one more event at {@code timestampMillis}; an event earlier than the latest one fades from there. */
  public EngagementScore plus(long timestampMillis, long engagementMillis, boolean pageView, boolean conversion,
      Weights weights) {
    var points = weights.eventWeight() + weights.engagedSecondWeight() * engagementMillis / 1000.0
        + (pageView ? weights.pageViewWeight() : 0) + (conversion ? weights.conversionWeight() : 0);
    if (atMillis == Long.MIN_VALUE) return new EngagementScore(points, timestampMillis);
    if (timestampMillis >= atMillis) {
      return new EngagementScore(this.points * fade(timestampMillis - atMillis, weights) + points, timestampMillis);
    }
    return new EngagementScore(this.points + points * fade(atMillis - timestampMillis, weights), atMillis);
  }

  /** The score from 0 to 100 at {@code nowMillis} (no later than the latest event: as of it). */
  public double at(long nowMillis, Weights weights) {
    if (atMillis == Long.MIN_VALUE) return 0;
    var faded = points * fade(Math.max(0, nowMillis - atMillis), weights);
    return Math.round(1000 * (1 - Math.exp(-faded / weights.scale()))) / 10.0;
  }

  private static double fade(long millis, Weights weights) {
    return Math.pow(0.5, (double) millis / weights.halfLife().toMillis());
  }
}
