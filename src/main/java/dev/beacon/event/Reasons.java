package dev.beacon.event;

import java.util.ArrayList;
import java.util.List;

/** Field-level reasons why an event is refused, in the order they were found. */
final class Reasons {
  private final List<String> reasons = new ArrayList<>();

  void add(String field, String problem) {
    reasons.add(field + ": " + problem);
  }

  boolean isEmpty() {
    return reasons.isEmpty();
  }

  List<String> toList() {
    return List.copyOf(reasons);
  }
}
