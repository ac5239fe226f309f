package dev.beacon.simulate;

import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One generated event as it goes on the topic.
 *
 * @param key the Kafka key: {@code organizationId + "|" + userId}, as {@code Event.partitionKey()} makes it
 * @param json the event in one of the two wire formats (campaign event or GA4 row)
 * @param time the event time written inside {@code json}
 */
public record SimulatedEvent(String key, byte[] json, Instant time) {

  public ProducerRecord<String, byte[]> toRecord(String topic) {
    return new ProducerRecord<>(topic, null, time.toEpochMilli(), key, json);
  }

  public String text() {
    return new String(json, java.nio.charset.StandardCharsets.UTF_8);
  }
}
