package dev.beacon.attribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads aggregated paths in ChannelAttribution's format into {@link PathCounts}: a header line
 * {@value #HEADER}, then one line per path, {@code ;}-separated, channels joined by {@code " > "},
 * e.g. {@code alpha > beta;2;6.75;5}. Conversions and nulls are whole numbers; the same path on
 * several lines adds up; blank lines are skipped. A file that is not of this form gets a
 * {@link MalformedPathFileException} naming the line.
 */
final class PathFile {
  public static final String HEADER = "path;total_conversions;total_conversion_value;total_null";
  private static final Pattern ARROW = Pattern.compile("\\s*>\\s*");

  private PathFile() {}

  /** The file was read but is not a path file; the message names the file and line. */
  public static final class MalformedPathFileException extends IOException {
    MalformedPathFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static PathCounts read(Path file) throws IOException {
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, file.toString());
    }
  }

  /** Reads from {@code reader}; {@code name} goes into error messages. */
  public static PathCounts read(BufferedReader reader, String name) throws IOException {
    var header = reader.readLine();
    if (header == null) throw new MalformedPathFileException(name + ": empty, expected the header " + HEADER, null);
    header = header.replace("\uFEFF", "").trim();
    if (!header.equalsIgnoreCase(HEADER)) {
      throw new MalformedPathFileException(name + " line 1: expected the header " + HEADER + ", got " + header, null);
    }
    var counts = new PathCounts();
    var lineNumber = 1;
    for (var line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      if (line.isBlank()) continue;
      try {
        addLine(counts, line);
      } catch (IllegalArgumentException e) {
        throw new MalformedPathFileException(name + " line " + lineNumber + ": " + e.getMessage(), e);
      }
    }
    return counts;
  }

  private static void addLine(PathCounts counts, String line) {
    var fields = line.split(";", -1);
    if (fields.length != 4) throw new IllegalArgumentException("expected 4 fields separated by ';', got " + fields.length);
    var path = channels(fields[0]);
    counts.add(path, whole(fields[1], "total_conversions"), number(fields[2], "total_conversion_value"),
        whole(fields[3], "total_null"));
  }

  /** The channels of a path as written in the file: {@code "a > b > c"}. */
  static List<String> channels(String path) {
    var channels = Arrays.stream(ARROW.split(path.trim(), -1)).map(String::trim).toList();
    if (channels.stream().anyMatch(String::isEmpty)) throw new IllegalArgumentException("empty channel in path '" + path + "'");
    return channels;
  }

  private static long whole(String field, String column) {
    try {
      return Long.parseLong(field.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " must be a whole number, got '" + field + "'");
    }
  }

  private static double number(String field, String column) {
    try {
      var text = field.trim();
      return text.isEmpty() ? 0 : Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " must be a number, got '" + field + "'");
    }
  }
}
