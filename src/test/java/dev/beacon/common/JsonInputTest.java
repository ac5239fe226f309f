package dev.beacon.common;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every document JsonInput refuses comes back as one reason in Beacon's words, never the parser's. */
class JsonInputTest {
  private final JsonInput input = new JsonInput(4, 20, 1_000, true);

  private String refused(String json) {
    var e = assertThrows(JsonInput.Unreadable.class, () -> input.read(json.getBytes(UTF_8)));
    assertThat(e.reason()).doesNotContainIgnoringCase("jackson").doesNotContain("StreamReadConstraints")
        .doesNotContain("Source:").doesNotContain("com.fasterxml");
    return e.reason();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"a\":1,\"a\":2}                              | a: duplicate key (a key may appear once per object)",
      "{\"m\":{\"u\":1,\"v\":2,\"u\":3}}               | m.u: duplicate key (a key may appear once per object)",
      "{\"events\":[{\"x\":1},{\"y\":1,\"y\":2}]}      | events[1].y: duplicate key (a key may appear once per object)",
      "[{\"k\":1,\"k\":1}]                             | [0].k: duplicate key (a key may appear once per object)"})
  void aDuplicateKeyIsRefusedNamingItsPath(String json, String reason) {
    assertThat(refused(json)).isEqualTo(reason);
  }

  @Test
  void nestingBeyondTheLimitSaysHowDeep() throws Exception {
    assertThat(input.read("{\"a\":{\"b\":{\"c\":[1]}}}".getBytes(UTF_8)).isObject()).isTrue();
    assertThat(refused("{\"a\":{\"b\":{\"c\":[[1]]}}}")).isEqualTo("body: JSON nested deeper than 4 levels");
  }

  @Test
  void otherLimitsSayWhichOneInOurNumbers() {
    assertThat(refused("{\"a\":\"" + "x".repeat(21) + "\"}")).isEqualTo("body: a JSON string longer than 20 characters");
    assertThat(refused("{\"a\":" + "1".repeat(65) + "}")).isEqualTo("body: a JSON number longer than 64 digits");
  }

  @Test
  void malformedJsonSaysWhere() {
    assertThat(refused("{\"a\":1,\n \"b\" 2}")).isEqualTo("body: malformed JSON at line 2, column 6");
    assertThat(refused("{\"a\":")).isEqualTo("body: malformed JSON at line 1, column 6: the document ends early");
    assertThat(refused("{\"a\":1} x")).isEqualTo("body: malformed JSON at line 1, column 8: content after the JSON value");
  }

  @Test
  void contentAfterTheValueIsAllowedWhenAsked() throws Exception {
    var lenient = new JsonInput(4, 20, 1_000, false);
    assertThat(lenient.read("{\"a\":1} x").get("a").asInt()).isEqualTo(1);
  }

  @Test
  void whitespaceAloneIsNoDocument() throws Exception {
    assertThat(input.read("  ".getBytes(UTF_8))).isNull();
  }
}
