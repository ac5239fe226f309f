package dev.beacon.common;

/**
 * Marker for everything that goes into the journal, a snapshot or across nodes; bound to
 * Pekko's {@code jackson-cbor} serializer in application.conf.
 */
public interface CborSerializable {}
