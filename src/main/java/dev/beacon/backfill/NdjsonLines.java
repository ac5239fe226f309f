package dev.beacon.backfill;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The lines of an NDJSON stream, gzip-compressed or not (told by its first two bytes), one at a
 * time with its number, read through a fixed buffer: a file or request body of any size is never
 * held whole. A line longer than the limit is not kept: it comes back with its number and no
 * bytes, and reading goes on at the next line. Blank lines are skipped (they keep their numbers).
 * Past {@code maxBytes} of NDJSON (as decoded), reading stops with {@link TooLarge}.
 */
final class NdjsonLines implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;
  private final InputStream in;
  private final int maxLineBytes;
  private final long maxBytes;
  private final byte[] buffer = new byte[BUFFER];
  private int position;
  private int limit;
  private long bytesRead;
  private long lineNumber;
  private byte[] line = new byte[1024];
  private int lineLength;
  private boolean tooLong;

  /** One line: its number (from 1) and bytes without the line end, or null bytes when it was too long. */
  record Line(long number, byte[] bytes) {
    boolean tooLong() {
      return bytes == null;
    }
  }

  /** More NDJSON than allowed. */
  static final class TooLarge extends IOException {
    TooLarge(long maxBytes) {
      super("more than " + maxBytes + " bytes of rows");
    }
  }

  private NdjsonLines(InputStream in, int maxLineBytes, long maxBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.maxBytes = maxBytes;
  }

  /** Reads {@code raw}, gunzipping it when it starts with gzip's magic bytes. */
  static NdjsonLines open(InputStream raw, int maxLineBytes, long maxBytes) throws IOException {
    var buffered = new BufferedInputStream(raw, BUFFER);
    buffered.mark(2);
    var first = buffered.read();
    var second = buffered.read();
    buffered.reset();
    var gzip = first == 0x1f && second == 0x8b;
    return new NdjsonLines(gzip ? new GZIPInputStream(buffered, BUFFER) : buffered, maxLineBytes, maxBytes);
  }

  /** The next line that is not blank, or null at the end of the stream. */
  Line next() throws IOException {
    while (true) {
      var line = nextLine();
      if (line == null) return null;
      if (line.tooLong() || !isBlank(line.bytes())) return line;
    }
  }

  /** NDJSON bytes read so far, as decoded. */
  long bytesRead() {
    return bytesRead;
  }

  private Line nextLine() throws IOException {
    lineLength = 0;
    tooLong = false;
    while (true) {
      if (position == limit && !fill()) {
        if (lineLength == 0 && !tooLong) return null;
        return finish(lineLength);
      }
      var end = position;
      while (end < limit && buffer[end] != '\n') end++;
      append(position, end - position);
      var found = end < limit;
      position = found ? end + 1 : end;
      if (found) return finish(lineLength);
    }
  }

  private boolean fill() throws IOException {
    var n = in.read(buffer);
    if (n <= 0) return false;
    bytesRead += n;
    if (bytesRead > maxBytes) throw new TooLarge(maxBytes);
    position = 0;
    limit = n;
    return true;
  }

  private void append(int from, int length) {
    if (tooLong || length == 0) return;
    if (lineLength + length > maxLineBytes) {
      tooLong = true;
      return;
    }
    if (lineLength + length > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
    System.arraycopy(buffer, from, line, lineLength, length);
    lineLength += length;
  }

  private Line finish(int length) {
    lineNumber++;
    if (tooLong) return new Line(lineNumber, null);
    // a Windows line end
    if (length > 0 && line[length - 1] == '\r') length--;
    return new Line(lineNumber, Arrays.copyOf(line, length));
  }

  private static boolean isBlank(byte[] bytes) {
    for (var b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r') return false;
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
