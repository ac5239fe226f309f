package dev.beacon.common;

/**
 * Marker for what goes into a snapshot or across nodes; bound to Pekko's {@code jackson-cbor}
 * serializer in application.conf. The hot journal events (campaigns, journey buckets) have
 * compact serializers of their own ({@link CompactSerializer}).
 */
public interface CborSerializable {}
