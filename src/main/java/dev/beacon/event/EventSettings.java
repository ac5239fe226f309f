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
    Map<String, EventType> ga4CampaignTypes) {

  public EventSettings {
    eventTypes = Set.copyOf(eventTypes);
    required = Map.copyOf(required);
    ga4CampaignTypes = Map.copyOf(ga4CampaignTypes);
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
    var ga4Types = new HashMap<String, EventType>();
    var mapping = c.getConfig("ga4-campaign-types");
    for (var name : mapping.root().keySet()) {
      var wire = mapping.getString(name).toLowerCase(Locale.ROOT);
      ga4Types.put(name, EventType.fromWire(wire).orElseThrow(
          () -> new IllegalArgumentException("beacon.events.ga4-campaign-types." + name + ": unknown type " + wire)));
    }
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
        ga4Types);
  }
}
