package dev.beacon.campaign;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.beacon.common.CborSerializable;
import dev.beacon.event.EventType;

/**
 * Additive campaign counters for one time range (all time, a minute, a UTC day). Mutable; it
 * lives inside the campaign state and never leaves the actor except as a copy.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class Counters implements CborSerializable {
  long[] counts = new long[EventType.values().length];
  long spendMicros;
  long conversionValueMicros;
  long viewDurationMillis;
  long sessions;
  long singleEventSessions;

  long count(EventType type) {
    return counts[type.ordinal()];
  }

  void add(EventType type, long valueMicros, long durationMillis) {
    counts[type.ordinal()]++;
    if (type.carriesCost()) spendMicros += valueMicros;
    if (type == EventType.CONVERSION) conversionValueMicros += valueMicros;
    if (type == EventType.VIEW) viewDurationMillis += durationMillis;
  }

  void addAll(Counters other) {
    for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
    spendMicros += other.spendMicros;
    conversionValueMicros += other.conversionValueMicros;
    viewDurationMillis += other.viewDurationMillis;
    sessions += other.sessions;
    singleEventSessions += other.singleEventSessions;
  }

  long events() {
    long sum = 0;
    for (var c : counts) sum += c;
    return sum;
  }

  Counters copy() {
    var copy = new Counters();
    copy.addAll(this);
    return copy;
  }
}
