package dev.beacon.event;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per distinct value of a low-cardinality field (organisations, campaigns,
 * event names, currencies, device types, sources, mediums). A micro-batch in flight holds tens of
 * thousands of events; with their repeated values shared, it holds far less memory, and every
 * later map keyed by them finds the hash already computed. Bounded: when full it starts afresh.
 */
final class Labels {
  private final int maxSize;
  private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();

  Labels(int maxSize) {
    this.maxSize = maxSize;
  }

  /** The shared instance equal to {@code value} (null stays null). */
  String canonical(String value) {
    if (value == null) return null;
    var shared = values.putIfAbsent(value, value);
    if (shared != null) return shared;
    if (values.size() > maxSize) values.clear();
    return value;
  }

  /** The shared instance of a value already known, or null. */
  String known(String value) {
    return values.get(value);
  }
}
