package dev.beacon.simulate;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where simulated events go: in Beacon the shared producer ({@code EventProducer::send}). The
 * stage completes once the record is acknowledged, exceptionally when it could not be written.
 */
@FunctionalInterface
public interface EventSink {
  CompletionStage<?> send(ProducerRecord<String, byte[]> record);
}
