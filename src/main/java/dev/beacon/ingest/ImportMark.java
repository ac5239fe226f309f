package dev.beacon.ingest;

import dev.beacon.event.Origin;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * How an import of history is marked on the events topic: the record header
 * {@code beacon-import: 1}. The ingest stream then parses the record as an
 * {@link Origin#IMPORT import}: the retention window (max-age) does not apply, so the
 * event keeps its real time. Whoever can write to the topic is trusted with the mark, as with
 * every other record on it; HTTP intake of live events never sets it.
 */
public final class ImportMark {
  public static final String HEADER = "beacon-import";
  private static final byte[] MARKED = {'1'};

  private ImportMark() {}

  /** The record, marked as an import. */
  public static ProducerRecord<String, byte[]> mark(ProducerRecord<String, byte[]> record) {
    record.headers().add(HEADER, MARKED.clone());
    return record;
  }

  /** An import when the record carries the mark, else live. */
  public static Origin originOf(Headers headers) {
    var header = headers.lastHeader(HEADER);
    return header != null && Arrays.equals(header.value(), MARKED) ? Origin.IMPORT : Origin.LIVE;
  }
}
