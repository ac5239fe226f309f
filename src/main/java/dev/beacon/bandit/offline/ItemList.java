package dev.beacon.bandit.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.Reader;
import java.util.LinkedHashSet;
import java.util.List;

/** The actions of a logged-bandit file: item ids in their file's order, and where they came from. */
public record ItemList(List<String> ids, String source) {
  /** The column of the item ids, in the item context file as in the log. */
  static final String ITEM = "item_id";

  public ItemList {
    ids = List.copyOf(ids);
  }

  /** Reads the {@code item_id} column of an item context file ({@code <campaign>_item_context.csv}); {@code name} goes into messages. */
  public static ItemList read(Reader file, String name) throws IOException {
    try (var rows = CsvRows.open(file)) {
      if (!rows.hasNextValue()) throw new MalformedLogException(name + ": empty, expected a header with " + ITEM);
      var header = List.of(rows.nextValue());
      var column = header.indexOf(ITEM);
      if (column < 0) {
        throw new MalformedLogException(name + " line 1: no column " + ITEM + " (the header has " + String.join(", ", header) + ")");
      }
      var ids = new LinkedHashSet<String>();
      while (rows.hasNextValue()) {
        var line = rows.getCurrentLocation().getLineNr();
        var row = rows.nextValue();
        if (row.length <= column || row[column].isEmpty()) throw new MalformedLogException(name + " line " + line + ": no " + ITEM);
        if (!ids.add(row[column])) throw new MalformedLogException(name + " line " + line + ": item " + row[column] + " is there twice");
      }
      if (ids.isEmpty()) throw new MalformedLogException(name + ": no items after the header");
      return new ItemList(List.copyOf(ids), name);
    } catch (JsonProcessingException e) {
      throw CsvRows.notCsv(name, e);
    }
  }
}
