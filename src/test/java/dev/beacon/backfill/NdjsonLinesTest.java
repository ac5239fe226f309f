package dev.beacon.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Lines of an NDJSON stream: numbers, blank lines, line ends, gzip, and the two limits. */
class NdjsonLinesTest {

  private static List<String> read(byte[] bytes, int maxLine, long maxBytes) throws IOException {
    var lines = new ArrayList<String>();
    try (var reader = NdjsonLines.open(new ByteArrayInputStream(bytes), maxLine, maxBytes)) {
      NdjsonLines.Line line;
      while ((line = reader.next()) != null) {
        lines.add(line.number() + ":" + (line.tooLong() ? "<too long>" : new String(line.bytes(), StandardCharsets.UTF_8)));
      }
    }
    return lines;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    var out = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void eachLineComesWithItsNumberAndBlankLinesAreSkippedButCounted() throws IOException {
    assertThat(read(utf8("{\"a\":1}\n\n  \n{\"b\":2}\r\n{\"c\":3}"), 100, 1000))
        .containsExactly("1:{\"a\":1}", "4:{\"b\":2}", "5:{\"c\":3}");
  }

  @Test
  void aGzipStreamIsRecognisedByItsFirstBytes() throws IOException {
    var text = utf8("{\"a\":1}\n{\"b\":2}\n");
    assertThat(read(gzip(text), 100, 1000)).isEqualTo(read(text, 100, 1000)).hasSize(2);
  }

  @Test
  void aLineLongerThanTheLimitIsReportedAndTheNextOneIsRead() throws IOException {
    var longLine = "x".repeat(200_000);
    assertThat(read(utf8("{\"a\":1}\n" + longLine + "\n{\"b\":2}\n" + longLine), 1000, 1_000_000))
        .containsExactly("1:{\"a\":1}", "2:<too long>", "3:{\"b\":2}", "4:<too long>");
  }

  @Test
  void moreBytesThanAllowedStopReadingAlsoWhenCompressed() throws IOException {
    var many = utf8(("{\"row\":\"" + "y".repeat(100) + "\"}\n").repeat(10_000));
    var compressed = gzip(many);
    assertThat(compressed.length).isLessThan(100_000);
    assertThatThrownBy(() -> read(compressed, 1000, 100_000)).isInstanceOf(NdjsonLines.TooLarge.class);
    assertThat(read(many, 1000, many.length)).hasSize(10_000);
  }

  @Test
  void anEmptyStreamHasNoLines() throws IOException {
    assertThat(read(new byte[0], 100, 100)).isEmpty();
    assertThat(read(utf8("\n\n"), 100, 100)).isEmpty();
  }
}
