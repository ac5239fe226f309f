package dev.beacon.simulate;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A checked simulator command: what to do, for which organisation and campaigns, with which
 * options. Built only by {@link RequestValidation}, so every value is in range; the options an
 * action does not use are null.
 */
public record SimulationRequest(Action action, List<String> campaignIds, String organizationId, Options options) {

  public SimulationRequest {
    campaignIds = campaignIds == null ? List.of() : List.copyOf(campaignIds);
  }

  public enum Action {
    START, STOP, BURST, JOURNEY, REPLAY;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Action> fromWire(String name) {
      for (var action : values()) {
        if (action.wireName().equals(name)) return Optional.of(action);
      }
      return Optional.empty();
    }
  }

  /**
   * The options, named as on the wire.
   *
   * @param eventsPerMinute the rate of a continuous run
   * @param duration minutes a continuous run lasts; null runs until stopped
   * @param count events in a burst
   * @param file the GA4 export (NDJSON) a replay reads
   * @param speed a replay's time compression: 1 keeps the file's spacing, 60 makes an hour a minute
   * @param seed the traffic model's seed; null lets the simulator pick the next one from its own
   * @param users users per organisation
   * @param botRate share of paid journeys run by click bots
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Options(Integer eventsPerMinute, Double duration, Double impressionRate, Double clickRate,
      Double conversionRate, Integer count, String file, Double speed, Long seed, Integer users, Double botRate) {

    public TrafficMix mix() {
      return new TrafficMix(impressionRate, clickRate, conversionRate, botRate);
    }

    /** The options that are set, as {@code name=value} pairs. */
    @Override
    public String toString() {
      var parts = new java.util.ArrayList<String>();
      var values = new Object[] {eventsPerMinute, duration, impressionRate, clickRate, conversionRate, count, file, speed,
          seed, users, botRate};
      var names = getClass().getRecordComponents();
      for (int i = 0; i < names.length; i++) {
        if (values[i] != null) parts.add(names[i].getName() + "=" + values[i]);
      }
      return "{" + String.join(", ", parts) + "}";
    }
  }
}
