package dev.beacon.event;

import dev.beacon.common.CborSerializable;

/** An event with the Kafka position it was read from: what entities use to recognise redelivery. */
public record Delivered(Event event, String topic, int partition, long offset) implements CborSerializable {

  /** The key under which entities keep the highest offset applied. */
  public String topicPartition() {
    return topic + "-" + partition;
  }
}
