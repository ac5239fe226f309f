package dev.beacon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact binary form of journal events: what is written is read back, strings once. */
class CompactOutputTest {

  @Test
  void everyKindOfValueReadsBackInOrder() throws IOException {
    var out = new CompactOutput();
    out.count(0);
    out.count(300);
    out.integer(-1);
    out.integer(Long.MIN_VALUE);
    out.integer(Long.MAX_VALUE);
    out.decimal(12.345);
    out.decimal(Double.NaN);
    out.bool(true);
    out.bool(false);
    out.date(LocalDate.of(1969, 12, 31));
    out.string(null);
    out.string("");
    out.string("Zürich ✓ 🚀");
    out.strings(List.of("a", "b", "a"));

    var in = new CompactInput(out.toByteArray());
    assertEquals(0, in.count());
    assertEquals(300, in.count());
    assertEquals(-1, in.integer());
    assertEquals(Long.MIN_VALUE, in.integer());
    assertEquals(Long.MAX_VALUE, in.integer());
    assertEquals(12.345, in.decimal());
    assertTrue(Double.isNaN(in.decimal()));
    assertTrue(in.bool());
    assertEquals(false, in.bool());
    assertEquals(LocalDate.of(1969, 12, 31), in.date());
    assertNull(in.string());
    assertEquals("", in.string());
    assertEquals("Zürich ✓ 🚀", in.string());
    assertEquals(List.of("a", "b", "a"), in.strings());
    in.end();
  }

  @Test
  void aRepeatedStringIsWrittenOnceAndReadBackAsOneInstance() throws IOException {
    var once = new CompactOutput();
    once.string("a-rather-long-user-identifier");
    var many = new CompactOutput();
    for (var i = 0; i < 100; i++) many.string("a-rather-long-user-identifier");

    var bytes = many.toByteArray();
    assertEquals(once.toByteArray().length + 99, bytes.length, "each repeat costs one byte");
    var in = new CompactInput(bytes);
    var first = in.string();
    for (var i = 1; i < 100; i++) assertSame(first, in.string());
    in.end();
  }

  @Test
  void truncatedOrOverlongMessagesAreRefused() throws IOException {
    var out = new CompactOutput();
    out.string("hello");
    out.integer(42);
    var bytes = out.toByteArray();

    var truncated = new CompactInput(Arrays.copyOf(bytes, bytes.length - 3));
    assertThrows(IOException.class, () -> {
      truncated.string();
      truncated.integer();
    });
    var overlong = new CompactInput(Arrays.copyOf(bytes, bytes.length + 1));
    overlong.string();
    overlong.integer();
    assertThrows(IOException.class, overlong::end);
    var badReference = new CompactInput(new byte[] {7});
    assertThrows(IOException.class, badReference::string);
    assertThrows(IllegalArgumentException.class, () -> new CompactOutput().count(-1));
  }
}
