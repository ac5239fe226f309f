package dev.beacon.common;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Reads what {@link CompactOutput} wrote, in the same order; a string named twice is one instance. */
public final class CompactInput {
  /** Reads one item of a list. */
  public interface ItemReader<T> {
    T read(CompactInput in) throws IOException;
  }

  private final CodedInputStream in;
  private final List<String> strings = new ArrayList<>();

  public CompactInput(byte[] bytes) {
    this.in = CodedInputStream.newInstance(bytes);
  }

  public int count() throws IOException {
    var value = in.readUInt32();
    if (value < 0) throw new IOException("count out of range");
    return value;
  }

  public long integer() throws IOException {
    return in.readSInt64();
  }

  public double decimal() throws IOException {
    return in.readDouble();
  }

  public boolean bool() throws IOException {
    return in.readBool();
  }

  public LocalDate date() throws IOException {
    return LocalDate.ofEpochDay(integer());
  }

  public String string() throws IOException {
    var code = count();
    if (code == 0) return null;
    if (code == 1) {
      var value = in.readString();
      strings.add(value);
      return value;
    }
    var index = code - 2;
    if (index >= strings.size()) throw new IOException("string reference " + index + " before its text");
    return strings.get(index);
  }

  public <T> List<T> list(ItemReader<T> item) throws IOException {
    var size = count();
    // a corrupt size must not allocate much up front: the items themselves run out first
    var items = new ArrayList<T>(Math.min(size, 4096));
    for (var i = 0; i < size; i++) items.add(item.read(this));
    return items;
  }

  public List<String> strings() throws IOException {
    return list(CompactInput::string);
  }

  /** Fails unless every byte was read: a truncated message, or one of another version. */
  public void end() throws IOException {
    if (!in.isAtEnd()) throw new IOException("bytes left over after the message");
  }
}
