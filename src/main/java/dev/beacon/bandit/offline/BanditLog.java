package dev.beacon.bandit.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A logged-bandit file in the Open Bandit Dataset's CSV layout, read whole, in file order: one
 * round per row, {@code item_id} the action the logging policy took, {@code click} its reward,
 * {@code propensity_score} the probability the logging policy gave that item (at that position),
 * and as context the optional {@code position}, {@code user_feature_*} (categorical) and
 * {@code user-item_affinity_*} (numeric) columns. Other columns (the row index, the timestamp)
 * are ignored. The actions are the items of the item context file when there is one, in its
 * order, else the items the log shows, in order of first appearance.
 *
 * <p>The context vector a policy sees, in this order: 1 (the intercept); one-hot of the position;
 * one-hot of each user feature in turn; then each affinity as sign(v)·log(1 + |v|) (they are
 * counts up to a few dozen; the logarithm keeps one heavy user from dominating A). The one-hot
 * vocabularies are the values the log holds, in order of first appearance.
 *
 * <p>What is not of this form gets a {@link MalformedLogException} naming the file, line and
 * column. Rows are kept compact (category indices, the non-zero affinities only).
 */
public final class BanditLog {
  static final String ITEM = ItemList.ITEM;
  static final String REWARD = "click";
  static final String PROPENSITY = "propensity_score";
  static final String POSITION = "position";
  static final String USER_FEATURE = "user_feature_";
  static final String AFFINITY = "user-item_affinity_";

  /**
   * One logged round. {@code item} indexes {@link #items()}; {@code categories} holds the
   * vocabulary index of the position (first, if the log has positions) and of each user feature.
   */
  record Round(int line, int item, double reward, double propensity, int[] categories, int[] affinityColumns,
      double[] affinities) {}

  private final String name;
  private final List<String> items;
  private final String itemsFrom;
  private final List<Round> rounds;
  private final List<List<String>> vocabularies;
  private final int dimension;

  private BanditLog(String name, List<String> items, String itemsFrom, List<Round> rounds, List<List<String>> vocabularies,
      int affinityCount) {
    this.name = name;
    this.items = List.copyOf(items);
    this.itemsFrom = itemsFrom;
    this.rounds = List.copyOf(rounds);
    this.vocabularies = List.copyOf(vocabularies);
    this.dimension = 1 + vocabularies.stream().mapToInt(List::size).sum() + affinityCount;
  }

  /**
   * Reads the log from {@code log} ({@code name} goes into messages and the result). With
   * {@code items} (read by {@link ItemList#read}), every logged item must be one of them.
   */
  public static BanditLog read(Reader log, String name, Optional<ItemList> items) throws IOException {
    try (var rows = CsvRows.open(log)) {
      if (!rows.hasNextValue()) throw new MalformedLogException(name + ": empty, expected a header with " + ITEM + ", "
          + REWARD + " and " + PROPENSITY);
      var columns = Columns.of(rows.nextValue(), name);
      var itemIndex = new LinkedHashMap<String, Integer>();
      items.ifPresent(list -> list.ids().forEach(id -> itemIndex.put(id, itemIndex.size())));
      var vocabularies = new ArrayList<Map<String, Integer>>();
      for (var i = 0; i < columns.categories().length; i++) vocabularies.add(new LinkedHashMap<>());
      var rounds = new ArrayList<Round>();
      while (rows.hasNextValue()) {
        var line = (int) rows.getCurrentLocation().getLineNr();
        var row = rows.nextValue();
        rounds.add(round(row, line, columns, itemIndex, items, vocabularies, name));
      }
      if (rounds.isEmpty()) throw new MalformedLogException(name + ": no rounds after the header");
      return new BanditLog(name, List.copyOf(itemIndex.keySet()),
          items.map(ItemList::source).orElse("the items logged"), rounds,
          vocabularies.stream().map(v -> (List<String>) List.copyOf(v.keySet())).toList(), columns.affinities().length);
    } catch (JsonProcessingException e) {
      throw CsvRows.notCsv(name, e);
    }
  }

  private static Round round(String[] row, int line, Columns columns, Map<String, Integer> itemIndex, Optional<ItemList> items,
      List<Map<String, Integer>> vocabularies, String name) throws MalformedLogException {
    var where = name + " line " + line + ": ";
    if (row.length != columns.count()) {
      throw new MalformedLogException(where + row.length + " fields, the header has " + columns.count());
    }
    var itemId = row[columns.item()];
    var item = itemIndex.get(itemId);
    if (item == null) {
      if (items.isPresent()) {
        throw new MalformedLogException(where + ITEM + " '" + itemId + "' is not one of the " + itemIndex.size() + " items of "
            + items.get().source());
      }
      if (itemId.isEmpty()) throw new MalformedLogException(where + ITEM + " is empty");
      item = itemIndex.size();
      itemIndex.put(itemId, item);
    }
    var reward = number(row[columns.reward()], REWARD, where);
    var propensity = number(row[columns.propensity()], PROPENSITY, where);
    if (!(propensity > 0 && propensity <= 1)) {
      throw new MalformedLogException(where + PROPENSITY + " must be in (0, 1], got " + row[columns.propensity()]);
    }
    var categories = new int[columns.categories().length];
    for (var i = 0; i < categories.length; i++) {
      var value = row[columns.categories()[i]];
      if (i == 0 && columns.hasPosition()) {
        try {
          if (Integer.parseInt(value) < 1) throw new NumberFormatException();
        } catch (NumberFormatException e) {
          throw new MalformedLogException(where + POSITION + " must be a whole number ≥ 1, got '" + value + "'");
        }
      }
      var vocabulary = vocabularies.get(i);
      categories[i] = vocabulary.computeIfAbsent(value, v -> vocabulary.size());
    }
    var nonZero = 0;
    var values = new double[columns.affinities().length];
    for (var i = 0; i < values.length; i++) {
      values[i] = number(row[columns.affinities()[i]], columns.affinityNames()[i], where);
      if (values[i] != 0) nonZero++;
    }
    var affinityColumns = new int[nonZero];
    var affinities = new double[nonZero];
    for (int i = 0, j = 0; i < values.length; i++) {
      if (values[i] != 0) {
        affinityColumns[j] = i;
        affinities[j++] = values[i];
      }
    }
    return new Round(line, item, reward, propensity, categories, affinityColumns, affinities);
  }

  private static double number(String text, String column, String where) throws MalformedLogException {
    try {
      var value = Double.parseDouble(text);
      if (Double.isFinite(value)) return value;
    } catch (NumberFormatException e) {
      // said below
    }
    throw new MalformedLogException(where + column + " must be a finite number, got '" + text + "'");
  }

  /** Where the columns a log needs are, found by their names in the header. */
  private record Columns(int count, int item, int reward, int propensity, boolean hasPosition, int[] categories, int[] affinities,
      String[] affinityNames) {
    static Columns of(String[] header, String name) throws MalformedLogException {
      var index = new HashMap<String, Integer>();
      var categories = new ArrayList<Integer>();
      var affinities = new ArrayList<Integer>();
      for (var i = 0; i < header.length; i++) {
        var column = header[i].replace("\uFEFF", "");
        if (index.put(column, i) != null && !column.isEmpty()) {
          throw new MalformedLogException(name + " line 1: the column " + column + " is there twice");
        }
        if (column.startsWith(USER_FEATURE)) categories.add(i);
        if (column.startsWith(AFFINITY)) affinities.add(i);
      }
      for (var required : List.of(ITEM, REWARD, PROPENSITY)) {
        if (!index.containsKey(required)) {
          throw new MalformedLogException(name + " line 1: no column " + required + " (the header has " + String.join(", ", header) + ")");
        }
      }
      var position = Optional.ofNullable(index.get(POSITION));
      position.ifPresent(p -> categories.add(0, p));
      return new Columns(header.length, index.get(ITEM), index.get(REWARD), index.get(PROPENSITY), position.isPresent(),
          categories.stream().mapToInt(Integer::intValue).toArray(), affinities.stream().mapToInt(Integer::intValue).toArray(),
          affinities.stream().map(i -> header[i]).toArray(String[]::new));
    }
  }

  public String name() {
    return name;
  }

  /** The actions, in order. */
  public List<String> items() {
    return items;
  }

  /** Where the actions came from: the item context file, or "the items logged". */
  public String itemsFrom() {
    return itemsFrom;
  }

  List<Round> rounds() {
    return rounds;
  }

  /** Whether every logged propensity is 1 / number of items (to 1e-9): the log of a uniformly random policy, where replay is unbiased. */
  public boolean uniformlyRandom() {
    var uniform = 1.0 / items.size();
    return rounds.stream().allMatch(round -> Math.abs(round.propensity() - uniform) <= 1e-9 * uniform);
  }

  /** The length of the context vectors {@link #context} writes. */
  public int dimension() {
    return dimension;
  }

  /** Writes the context of {@code round} into {@code x} (length {@link #dimension}), as the class comment says. */
  void context(Round round, double[] x) {
    Arrays.fill(x, 0.0);
    x[0] = 1;
    var offset = 1;
    for (var i = 0; i < vocabularies.size(); i++) {
      x[offset + round.categories()[i]] = 1;
      offset += vocabularies.get(i).size();
    }
    for (var j = 0; j < round.affinityColumns().length; j++) {
      var v = round.affinities()[j];
      x[offset + round.affinityColumns()[j]] = Math.signum(v) * Math.log1p(Math.abs(v));
    }
  }
}
