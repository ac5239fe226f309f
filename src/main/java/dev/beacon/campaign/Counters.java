package dev.beacon.campaign;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.beacon.common.CborSerializable;
import dev.beacon.event.EventType;

/**
 * Additive campaign counters for one time range (all time, a minute, a UTC day): every count is
 * raw (invalid traffic included); {@code invalid} counts the flagged events of each type, so valid
 * = raw − invalid. Mutable; it lives inside the campaign state and never leaves the actor except as
 * a copy.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class Counters implements CborSerializable {
  long[] counts = new long[EventType.values().length];
  /** Of {@code counts}, the events flagged as invalid traffic (a snapshot from before flags reads zeros). */
  long[] invalid = new long[EventType.values().length];
  long spendMicros;
  long conversionValueMicros;
  long viewDurationMillis;
  long sessions;
  long singleEventSessions;

  long count(EventType type) {
    return counts[type.ordinal()];
  }

  /** The events of {@code type} not flagged as invalid traffic. */
  long valid(EventType type) {
    return counts[type.ordinal()] - invalid[type.ordinal()];
  }

  /** Adds a valid event. */
  void add(EventType type, long valueMicros, long durationMillis) {
    add(type, valueMicros, durationMillis, false);
  }

  void add(EventType type, long valueMicros, long durationMillis, boolean flagged) {
    counts[type.ordinal()]++;
    if (flagged) invalid[type.ordinal()]++;
    if (type.carriesCost()) spendMicros += valueMicros;
    if (type == EventType.CONVERSION) conversionValueMicros += valueMicros;
    if (type == EventType.VIEW) viewDurationMillis += durationMillis;
  }

  void addAll(Counters other) {
    for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
    for (int i = 0; i < invalid.length; i++) invalid[i] += other.invalid[i];
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

  long invalidEvents() {
    long sum = 0;
    for (var c : invalid) sum += c;
    return sum;
  }

  Counters copy() {
    var copy = new Counters();
    copy.addAll(this);
    return copy;
  }
}
