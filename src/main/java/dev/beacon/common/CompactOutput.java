package dev.beacon.common;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the compact binary form of a journal event, read back by {@link CompactInput}: integers
 * as varints (protobuf's encoding), and each distinct string once per message, later uses only
 * referring back to it. A batch's event names the same users, channels and campaigns many times;
 * this keeps it a fraction of its CBOR size and cheap to write and to read.
 */
public final class CompactOutput {
  /** Writes one item of a list. */
  public interface ItemWriter<T> {
    void write(CompactOutput out, T item) throws IOException;
  }

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
  private final CodedOutputStream out = CodedOutputStream.newInstance(bytes, 4096);
  private final Map<String, Integer> strings = new HashMap<>(64);

  /** A size or other non-negative int. */
  public void count(int value) throws IOException {
    if (value < 0) throw new IllegalArgumentException("negative count " + value);
    out.writeUInt32NoTag(value);
  }

  public void integer(long value) throws IOException {
    out.writeSInt64NoTag(value);
  }

  public void decimal(double value) throws IOException {
    out.writeDoubleNoTag(value);
  }

  public void bool(boolean value) throws IOException {
    out.writeBoolNoTag(value);
  }

  public void date(LocalDate value) throws IOException {
    integer(value.toEpochDay());
  }

  /** A string or null: 0 for null; 1 and the UTF-8 text the first time; after that 2 + its index. */
  public void string(String value) throws IOException {
    if (value == null) {
      out.writeUInt32NoTag(0);
      return;
    }
    var index = strings.get(value);
    if (index != null) {
      out.writeUInt32NoTag(index + 2);
      return;
    }
    strings.put(value, strings.size());
    out.writeUInt32NoTag(1);
    out.writeStringNoTag(value);
  }

  public <T> void list(Collection<T> items, ItemWriter<T> item) throws IOException {
    count(items.size());
    for (var value : items) item.write(this, value);
  }

  public void strings(Collection<String> items) throws IOException {
    list(items, CompactOutput::string);
  }

  public byte[] toByteArray() throws IOException {
    out.flush();
    return bytes.toByteArray();
  }
}
