package dev.beacon.journey;

import dev.beacon.attribution.Credit;
import dev.beacon.attribution.RuleBasedAttribution;
import dev.beacon.common.CborSerializable;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A counted conversion: value in currency units, the channels of the touches it credits (its
 * path for the data-driven models), and per model ({@link RuleBasedAttribution#MODELS}) the
 * credits per channel and campaign, which add up to one conversion and the full value.
 */
public record Conversion(String userId, String name, long timestampMillis, LocalDate day, double value,
    String transactionId, String sessionId, List<String> path, Map<String, List<Credit>> credits)
    implements CborSerializable {
  public Conversion {
    path = List.copyOf(path);
    var copy = new LinkedHashMap<String, List<Credit>>();
    credits.forEach((model, list) -> copy.put(model, List.copyOf(list)));
    credits = Collections.unmodifiableMap(copy);
  }
}
