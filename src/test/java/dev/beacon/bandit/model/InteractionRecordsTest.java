package dev.beacon.bandit.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The records of the interactions topic as {@link InteractionRecords} reads them: every bad shape
 * refused with reasons that name the field, every good one read to exactly its values (with the
 * default model, or refused without one), and nothing, whatever the bytes, that throws or gives a
 * reason without a field.
 */
class InteractionRecordsTest {
  private static final String PARTITION = "beacon.interactions-2";
  private static final InteractionRecords NO_DEFAULT = new InteractionRecords(Optional.empty());
  private static final InteractionRecords WITH_DEFAULT = new InteractionRecords(Optional.of("picker"));

  private static InteractionRecords.Parsed parse(InteractionRecords records, String text) {
    return records.parse(text.getBytes(StandardCharsets.UTF_8), PARTITION, 17);
  }

  static Stream<Arguments> badRecords() {
    return Stream.of(
        Arguments.of("", List.of("record: empty")),
        Arguments.of("{\"modelId\": \"picker\",", List.of("record: malformed JSON at line 1, column 22: the document ends early")),
        Arguments.of("not json", List.of("record: malformed JSON at line 1, column 5")),
        Arguments.of("[1, 2, 3]", List.of("record: must be a JSON object")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": [1], \"action\": 0, \"reward\": 1} {}",
            List.of("record: malformed JSON at line 1, column 65: content after the JSON value")),
        Arguments.of("{\"modelId\": \"a\", \"modelId\": \"b\", \"features\": [1], \"action\": 0, \"reward\": 1}",
            List.of("modelId: duplicate key (a key may appear once per object)")),
        Arguments.of("{\"features\": [1], \"action\": 0, \"reward\": 1}",
            List.of("modelId: required (no beacon.bandit.interactions-default-model is set)")),
        Arguments.of("{\"modelId\": 7, \"features\": [1], \"action\": 0, \"reward\": 1}", List.of("modelId: must be a string")),
        Arguments.of("{\"modelId\": \" \", \"features\": [1], \"action\": 0, \"reward\": 1}", List.of("modelId: must not be blank")),
        Arguments.of("{\"modelId\": \"picker\", \"action\": 0, \"reward\": 1}",
            List.of("features: required, an array of numbers (as many as the model's dimension)")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": {\"a\": 1}, \"action\": 0, \"reward\": 1}",
            List.of("features: must be an array of at most 256 numbers")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": [1, \"2\", null], \"action\": 0, \"reward\": 1}",
            List.of("features[1]: must be a number, got \"2\"", "features[2]: must be a number, got null")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": [1], \"reward\": 1}",
            List.of("action: required, the arm shown (its id, or its 0-based index in the model's arms)")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": [1], \"action\": -1, \"reward\": 1}",
            List.of("action: must be an arm id or a 0-based arm index, got -1")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": [1], \"action\": 1.5, \"reward\": 1}",
            List.of("action: must be an arm id or a 0-based arm index, got 1.5")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": [1], \"action\": \"\", \"reward\": 1}", List.of("action: must not be blank")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": [1], \"action\": 0}", List.of("reward: required, a number")),
        Arguments.of("{\"modelId\": \"picker\", \"features\": [1], \"action\": 0, \"reward\": \"1\"}",
            List.of("reward: must be a number, got \"1\"")),
        Arguments.of("{\"modelId\": \"picker\", \"decisionId\": \"d-1\", \"features\": [1], \"action\": 0, \"reward\": 1}",
            List.of("decisionId: a record rewards a decision (modelId, decisionId, reward) or is an interaction "
                + "(modelId, features, action, reward), not both")),
        Arguments.of("{\"modelId\": \"picker\", \"decisionId\": 1, \"reward\": 1}", List.of("decisionId: must be a string")),
        Arguments.of("{\"modelId\": \"picker\", \"decisionId\": \"d-1\"}", List.of("reward: required, a number")),
        Arguments.of("{\"reward\": true}", List.of("modelId: required (no beacon.bandit.interactions-default-model is set)",
            "reward: must be a number, got true", "features: required, an array of numbers (as many as the model's dimension)",
            "action: required, the arm shown (its id, or its 0-based index in the model's arms)")));
  }

  @ParameterizedTest
  @MethodSource("badRecords")
  void aBadRecordIsRefusedWithReasonsThatNameTheField(String record, List<String> reasons) {
    assertThat(parse(NO_DEFAULT, record)).isEqualTo(new InteractionRecords.Unreadable(reasons));
  }

  static Stream<Arguments> goodRecords() {
    return Stream.of(
        Arguments.of(NO_DEFAULT, "{\"modelId\": \"picker\", \"features\": [0.5, -1, 2e3], \"action\": \"spring-sale\", \"reward\": 1}",
            new InteractionRecords.Read("picker", new Interaction.Shown(PARTITION, 17, new double[] {0.5, -1, 2000}, "spring-sale", -1, 1))),
        Arguments.of(NO_DEFAULT, "{\"modelId\": \"picker\", \"features\": [0], \"action\": 3, \"reward\": -0.5, \"customer_id\": \"c-9\"}",
            new InteractionRecords.Read("picker", new Interaction.Shown(PARTITION, 17, new double[] {0}, null, 3, -0.5))),
        Arguments.of(WITH_DEFAULT, "{\"features\": [1, 2], \"action\": 0, \"reward\": 0}",
            new InteractionRecords.Read("picker", new Interaction.Shown(PARTITION, 17, new double[] {1, 2}, null, 0, 0))),
        Arguments.of(WITH_DEFAULT, "{\"modelId\": \"other\", \"decisionId\": \"d-42\", \"reward\": 49.9}",
            new InteractionRecords.Read("other", new Interaction.DecisionReward(PARTITION, 17, "d-42", 49.9))),
        // Python's json module writes NaN and Infinity: read as numbers, for the model to refuse by field
        Arguments.of(NO_DEFAULT, "{\"modelId\": \"picker\", \"features\": [NaN, Infinity], \"action\": 0, \"reward\": -Infinity}",
            new InteractionRecords.Read("picker", new Interaction.Shown(PARTITION, 17, new double[] {Double.NaN, Double.POSITIVE_INFINITY},
                null, 0, Double.NEGATIVE_INFINITY))));
  }

  @ParameterizedTest
  @MethodSource("goodRecords")
  void aGoodRecordIsReadToItsValues(InteractionRecords records, String record, InteractionRecords.Read read) {
    assertThat(parse(records, record)).isEqualTo(read);
  }

  /** An interaction as a producer would write it: model, features, the arm by id or index, reward. */
  record Written(String modelId, double[] features, String arm, int armIndex, double reward) {}

  @Provide
  Arbitrary<Written> interactions() {
    var features = Arbitraries.doubles().between(-1e6, 1e6).array(double[].class).ofMinSize(1).ofMaxSize(40);
    var arms = Arbitraries.strings().withCharRange('a', 'z').withChars('-', 'ü', '✓').ofMinLength(1).ofMaxLength(20).injectNull(0.5);
    return Combinators.combine(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(30), features, arms,
        Arbitraries.integers().between(0, 99), Arbitraries.doubles().between(-1e6, 1e6)).as(Written::new);
  }

  @Property(tries = 300)
  void anyWellFormedInteractionReadsToExactlyItsValues(@ForAll("interactions") Written w) throws Exception {
    var json = new LinkedHashMap<String, Object>();
    json.put("modelId", w.modelId());
    json.put("features", w.features());
    json.put("action", w.arm() != null ? w.arm() : w.armIndex());
    json.put("reward", w.reward());
    var bytes = Json.MAPPER.writeValueAsBytes(json);

    var parsed = NO_DEFAULT.parse(bytes, PARTITION, 5);

    assertThat(parsed).isEqualTo(new InteractionRecords.Read(w.modelId(),
        new Interaction.Shown(PARTITION, 5, w.features(), w.arm(), w.arm() != null ? -1 : w.armIndex(), w.reward())));
  }

  @Property(tries = 1000)
  void anyBytesAreReadOrRefusedWithReasonsThatNameAField(@ForAll("records") byte[] bytes) {
    var parsed = NO_DEFAULT.parse(bytes, PARTITION, 0);

    if (parsed instanceof InteractionRecords.Unreadable u) {
      assertThat(u.reasons()).isNotEmpty().allMatch(r -> r.matches("^(record|modelId|features(\\[\\d+])?|action|reward|decisionId): .+"));
    } else {
      assertThat(((InteractionRecords.Read) parsed).modelId()).isNotBlank();
    }
  }

  /** Bytes near the shapes: fragments of good records put together at random, and noise. */
  @Provide
  Arbitrary<byte[]> records() {
    var fragments = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"modelId\"", "\"features\"", "\"action\"", "\"reward\"",
        "\"decisionId\"", "\"picker\"", "\"d-1\"", "1", "-2.5", "NaN", "null", "true", "[1, 2]", "\"x\"", " ", "\u0000", "é");
    var shaped = fragments.list().ofMaxSize(30).map(parts -> String.join("", parts).getBytes(StandardCharsets.UTF_8));
    var noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    return Arbitraries.oneOf(shaped, noise);
  }
}
