package dev.beacon.common;

import java.io.IOException;
import java.io.NotSerializableException;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * A Pekko serializer for one family of hot journal events in the {@link CompactOutput} form.
 * The manifest names the event and its format version; a changed format gets a new manifest and
 * the old one stays readable. Events in the journal written by another serializer keep being read
 * by it (the journal stores the serializer of each row).
 *
 * <p>Manifests are {@code <Event>.<version>}. What an existing manifest writes never changes, and
 * a reader for every manifest ever written stays: a new shape is a new version, with its golden
 * file under src/test/resources/journal/golden, which {@code JournalFormatsTest} reads back.
 */
public abstract class CompactSerializer extends SerializerWithStringManifest {

  /** Writes the event; the manifest returned by {@link #manifest} says which one. */
  protected abstract void write(Object event, CompactOutput out) throws IOException;

  /** Reads an event of this manifest. */
  protected abstract Object read(String manifest, CompactInput in) throws IOException;

  @Override
  public final byte[] toBinary(Object event) {
    try {
      var out = new CompactOutput();
      write(event, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize " + event.getClass().getName(), e);
    }
  }

  @Override
  public final Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      var in = new CompactInput(bytes);
      var event = read(manifest, in);
      in.end();
      return event;
    } catch (IOException | RuntimeException e) {
      var failure = new NotSerializableException("cannot read " + getClass().getSimpleName() + " manifest " + manifest
          + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  protected final NotSerializableException unknownManifest(String manifest) {
    return new NotSerializableException(getClass().getSimpleName() + ": unknown manifest " + manifest);
  }
}
