package dev.beacon.bandit.offline;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;

/** CSV rows as arrays of strings (Jackson's CSV parser: quotes and all), blank lines skipped, fields trimmed. */
final class CsvRows {
  private static final CsvMapper CSV = new CsvMapper();

  private CsvRows() {}

  static MappingIterator<String[]> open(Reader reader) throws IOException {
    return CSV.readerForArrayOf(String.class)
        .with(CsvParser.Feature.WRAP_AS_ARRAY)
        .with(CsvParser.Feature.SKIP_EMPTY_LINES)
        .with(CsvParser.Feature.TRIM_SPACES)
        .readValues(reader);
  }

  /**
   * What the CSV parser said about a file it could not read; a failure to read the file at all,
   * which the parser may hand on wrapped, stays that failure (a body cut short is not bad CSV).
   */
  static IOException notCsv(String name, JsonProcessingException e) {
    if (e.getCause() instanceof IOException failure && !(failure instanceof JsonProcessingException)) return failure;
    var where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
    return new MalformedLogException(name + where + ": not CSV (" + e.getOriginalMessage() + ")");
  }
}
