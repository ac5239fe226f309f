package dev.beacon.event;

import com.typesafe.config.Config;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validation rules and format mappings of {@code beacon.events} in application.conf.
 *
 * @param required the fields each wire format must carry, by format name
 * @param ga4CampaignTypes which GA4 event names count as which campaign metric
 * @param segment how Segment's events map ({@link SegmentSettings})
 */
public record EventSettings(
    int maxEventBytes,
    int maxDepth,
    Set<EventType> eventTypes,
    BigDecimal maxValue,
    Duration maxFuture,
    Duration maxAge,
    int maxIdLength,
    int maxTextLength,
    int maxParams,
    int maxItems,
    int maxMetadataEntries,
    Pattern organizationIdPattern,
    Map<String, List<String>> required,
    Map<String, EventType> ga4CampaignTypes,
    SegmentSettings segment) {

  public EventSettings {
    eventTypes = Set.copyOf(eventTypes);
    required = Map.copyOf(required);
    ga4CampaignTypes = Map.copyOf(ga4CampaignTypes);
  }

  /**
   * How Segment's events map.
   *
   * @param campaignTypes which event names count as which campaign metric (when the event has a campaign)
   * @param valueProperties the properties a value is read from, the first present one
   * @param transactionIdProperty the property that holds a conversion's transaction id
   */
  public record SegmentSettings(Map<String, EventType> campaignTypes, List<String> valueProperties,
      String transactionIdProperty) {
    public SegmentSettings {
      campaignTypes = Map.copyOf(campaignTypes);
      valueProperties = List.copyOf(valueProperties);
    }

    static SegmentSettings from(Config c) {
      return new SegmentSettings(mappedTypes(c.getConfig("campaign-types"), "beacon.events.segment.campaign-types"),
          c.getStringList("value-properties"), c.getString("transaction-id-property"));
    }
  }

  /** A mapping of event names (quoted keys may hold spaces) to campaign metrics. */
  private static Map<String, EventType> mappedTypes(Config mapping, String path) {
    var types = new HashMap<String, EventType>();
    for (var entry : mapping.root().entrySet()) {
      var wire = String.valueOf(entry.getValue().unwrapped()).toLowerCase(Locale.ROOT);
      types.put(entry.getKey(), EventType.fromWire(wire).orElseThrow(
          () -> new IllegalArgumentException(path + "." + entry.getKey() + ": unknown type " + wire)));
    }
    return types;
  }

  public static EventSettings from(Config c) {
    var types = EnumSet.noneOf(EventType.class);
    for (var name : c.getStringList("event-types")) {
      types.add(EventType.fromWire(name).orElseThrow(
          () -> new IllegalArgumentException("beacon.events.event-types: unknown type " + name)));
    }
    var required = new HashMap<String, List<String>>();
    for (var entry : c.getConfig("required").root().keySet()) {
      required.put(entry, c.getStringList("required." + entry));
    }
    var ga4Types = mappedTypes(c.getConfig("ga4-campaign-types"), "beacon.events.ga4-campaign-types");
    return new EventSettings(
        (int) c.getBytes("max-event-size").longValue(),
        c.getInt("max-depth"),
        types,
        new BigDecimal(c.getString("max-value")),
        c.getDuration("max-future"),
        c.getDuration("max-age"),
        c.getInt("max-id-length"),
        c.getInt("max-text-length"),
        c.getInt("max-params"),
        c.getInt("max-items"),
        c.getInt("max-metadata-entries"),
        Pattern.compile(c.getString("organization-id-pattern")),
        required,
        ga4Types,
        SegmentSettings.from(c.getConfig("segment")));
  }
}
