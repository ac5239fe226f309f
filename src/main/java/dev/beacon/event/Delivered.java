package dev.beacon.event;

import dev.beacon.common.CborSerializable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** An event with the Kafka position it was read from: what entities use to recognise redelivery. */
public record Delivered(Event event, String topic, int partition, long offset) implements CborSerializable {

  private static final int NAMED_PARTITIONS = 1024;
  private static final ConcurrentHashMap<String, AtomicReferenceArray<String>> NAMES = new ConcurrentHashMap<>();

  /** The key under which entities keep the highest offset applied; made once per topic and partition. */
  public String topicPartition() {
    if (partition < 0 || partition >= NAMED_PARTITIONS) return topic + "-" + partition;
    var names = NAMES.computeIfAbsent(topic, t -> new AtomicReferenceArray<>(NAMED_PARTITIONS));
    var name = names.get(partition);
    if (name == null) {
      name = topic + "-" + partition;
      names.set(partition, name);
    }
    return name;
  }
}
