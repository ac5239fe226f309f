package dev.beacon.bandit.offline;

import static dev.beacon.testing.TestData.BANDIT_TINY_LOG;
import static dev.beacon.testing.TestData.OPEN_BANDIT_BTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading logged-bandit files: rounds, items, contexts, and a named line and column for whatever is wrong. */
class BanditLogTest {
  private static final String HEADER = ",timestamp,item_id,position,click,propensity_score,user_feature_0\n";
  private static final ItemList THREE_ITEMS = new ItemList(List.of("0", "1", "2"), "items.csv");

  static BanditLog read(Path file) throws IOException {
    var items = file.resolveSibling(file.getFileName().toString().replace(".csv", "_item_context.csv"));
    try (var itemReader = Files.newBufferedReader(items); var logReader = Files.newBufferedReader(file)) {
      return BanditLog.read(logReader, file.getFileName().toString(), Optional.of(ItemList.read(itemReader, items.getFileName().toString())));
    }
  }

  private static BanditLog read(String csv, Optional<ItemList> items) throws IOException {
    return BanditLog.read(new StringReader(csv), "log.csv", items);
  }

  @Test
  void readsTheRoundsItemsAndContextsOfTheTinyLog() throws IOException {
    var log = read(BANDIT_TINY_LOG);
    assertThat(log.items()).containsExactly("0", "1", "2");
    assertThat(log.itemsFrom()).isEqualTo("tiny_item_context.csv");
    assertThat(log.rounds()).extracting(BanditLog.Round::item).containsExactly(0, 1, 2, 0, 1);
    assertThat(log.rounds()).extracting(BanditLog.Round::reward).containsExactly(1.0, 0.0, 1.0, 0.0, 1.0);
    assertThat(log.rounds()).extracting(BanditLog.Round::propensity).containsExactly(0.5, 0.25, 0.2, 0.4, 0.8);
    assertThat(log.rounds()).extracting(BanditLog.Round::line).containsExactly(2, 3, 4, 5, 6);
    // 1 + positions {1, 2, 3} + user_feature_0 {a, b, c} + 3 affinities
    assertThat(log.dimension()).isEqualTo(10);
    var x = new double[10];
    log.context(log.rounds().get(2), x); // position 1, feature a, affinities 0, 0, 3
    assertThat(x).containsExactly(1, 1, 0, 0, 1, 0, 0, 0, 0, Math.log(4));
    log.context(log.rounds().get(1), x); // position 2, feature b, affinities 1, 0, 0
    assertThat(x).containsExactly(1, 0, 1, 0, 0, 1, 0, Math.log(2), 0, 0);
    log.context(log.rounds().get(3), x); // position 3, feature c, no affinity
    assertThat(x).containsExactly(1, 0, 0, 1, 0, 0, 1, 0, 0, 0);
  }

  @Test
  void withoutAnItemFileTheActionsAreTheItemsLoggedInOrderOfFirstAppearance() throws IOException {
    var log = read(HEADER + "0,t,7,1,0,0.5,a\n1,t,3,1,1,0.5,a\n2,t,7,2,0,0.5,b\n", Optional.empty());
    assertThat(log.items()).containsExactly("7", "3");
    assertThat(log.itemsFrom()).isEqualTo("the items logged");
    assertThat(log.rounds()).extracting(BanditLog.Round::item).containsExactly(0, 1, 0);
  }

  @Test
  void readsTheOpenBanditSlice() throws IOException {
    var log = read(OPEN_BANDIT_BTS);
    assertThat(log.rounds()).hasSize(400);
    assertThat(log.items()).hasSize(34);
    assertThat(log.rounds().stream().mapToDouble(BanditLog.Round::reward).sum()).isEqualTo(5.0);
    // the first row: index 0, item 2 at position 2, no click, propensity 0.045525
    var first = log.rounds().get(0);
    assertThat(first.item()).isEqualTo(log.items().indexOf("2"));
    assertThat(first.propensity()).isEqualTo(0.045525);
    // intercept, 3 positions, the user features' values, 34 affinities
    assertThat(log.dimension()).isGreaterThan(1 + 3 + 4 + 34);
  }

  @Test
  void aMissingColumnIsNamed() {
    assertThatThrownBy(() -> read(",item_id,click\n0,1,0\n", Optional.empty())).isInstanceOf(MalformedLogException.class)
        .hasMessage("log.csv line 1: no column propensity_score (the header has , item_id, click)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "0,t,1,1,yes,0.5,a   | log.csv line 3: click must be a finite number, got 'yes'",
      "0,t,1,1,NaN,0.5,a   | log.csv line 3: click must be a finite number, got 'NaN'",
      "0,t,1,1,0,0,a       | log.csv line 3: propensity_score must be in (0, 1], got 0",
      "0,t,1,1,0,1.5,a     | log.csv line 3: propensity_score must be in (0, 1], got 1.5",
      "0,t,1,1,0,,a        | log.csv line 3: propensity_score must be a finite number, got ''",
      "0,t,1,0,0,0.5,a     | log.csv line 3: position must be a whole number ≥ 1, got '0'",
      "0,t,1,first,0,0.5,a | log.csv line 3: position must be a whole number ≥ 1, got 'first'",
      "0,t,9,1,0,0.5,a     | log.csv line 3: item_id '9' is not one of the 3 items of items.csv",
      "0,t,1,1,0,0.5       | log.csv line 3: 6 fields, the header has 7"})
  void aBadValueIsNamedWithItsLineAndColumn(String row, String message) {
    assertThatThrownBy(() -> read(HEADER + "0,t,2,1,0,0.5,a\n" + row + "\n", Optional.of(THREE_ITEMS)))
        .isInstanceOf(MalformedLogException.class).hasMessage(message);
  }

  @Test
  void anEmptyLogOrAHeaderAloneIsRefused() {
    assertThatThrownBy(() -> read("", Optional.empty())).isInstanceOf(MalformedLogException.class)
        .hasMessage("log.csv: empty, expected a header with item_id, click and propensity_score");
    assertThatThrownBy(() -> read(HEADER, Optional.empty())).isInstanceOf(MalformedLogException.class)
        .hasMessage("log.csv: no rounds after the header");
  }

  @Test
  void anItemFileNeedsItsItemIdColumnAndDistinctItems() {
    assertThatThrownBy(() -> ItemList.read(new StringReader(",id\n0,1\n"), "items.csv")).isInstanceOf(MalformedLogException.class)
        .hasMessage("items.csv line 1: no column item_id (the header has , id)");
    assertThatThrownBy(() -> ItemList.read(new StringReader(",item_id\n0,1\n1,1\n"), "items.csv"))
        .isInstanceOf(MalformedLogException.class).hasMessage("items.csv line 3: item 1 is there twice");
  }
}
