package dev.beacon.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import dev.beacon.testing.ReseedableRandom;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Export and import of a model's parameters: through JSON and back, a model decides to the bit as before. */
class LinUcbExportTest {
  // forgetting and a short re-inversion period: the export falls between two re-inversions, with a worn ridge
  private static final LinUcbSettings SETTINGS = new LinUcbSettings(5, 0.7, 0.5, 0.05, 0.98, 7);
  private static final List<String> ARMS = List.of("spring-sale", "newsletter", "retargeting", "loyalty");

  private static LinUcb trained(long seed) {
    var model = LinUcb.withArms(SETTINGS, ARMS, new SplittableRandom(seed));
    play(model, new SplittableRandom(seed + 1), 500);
    return model;
  }

  /** Decides and learns {@code rounds} times; returns the decisions' scores and arms, as text. */
  private static List<String> play(LinUcb model, SplittableRandom world, int rounds) {
    var log = new ArrayList<String>();
    for (var i = 0; i < rounds; i++) {
      var x = new double[SETTINGS.dimension()];
      for (var j = 0; j < x.length; j++) x[j] = world.nextGaussian();
      var decision = model.decide(x);
      log.add(decision.arm() + " " + decision.propensity() + " " + decision.scores());
      model.update(decision.arm(), x, world.nextDouble() < 0.3 ? 1 : 0);
    }
    return log;
  }

  @Test
  void aModelRestoredFromItsJsonExportDecidesAsTheOriginal() throws IOException {
    var random = new ReseedableRandom(1);
    var original = LinUcb.withArms(SETTINGS, ARMS, random);
    play(original, new SplittableRandom(2), 500);
    var json = Json.MAPPER.writeValueAsString(original.export());
    var restored = LinUcb.restore(Json.MAPPER.readValue(json, LinUcbParameters.class), new ReseedableRandom(99));
    random.reseed(99);
    var expected = play(original, new SplittableRandom(7), 1_000);
    assertThat(play(restored, new SplittableRandom(7), 1_000)).containsExactlyElementsOf(expected);
    assertThat(restored.export()).usingRecursiveComparison().isEqualTo(original.export());
  }

  @Test
  void theExportHoldsSettingsArmsMatricesAndCounts() throws IOException {
    var model = trained(2);
    var exported = model.export();
    assertThat(exported.settings()).isEqualTo(SETTINGS);
    assertThat(exported.arms()).extracting(LinUcbParameters.Arm::id).containsExactlyElementsOf(ARMS);
    assertThat(exported.arms().stream().mapToLong(LinUcbParameters.Arm::updates).sum()).isEqualTo(500);
    assertThat(exported.arms()).allSatisfy(arm -> {
      assertThat(arm.a()).hasDimensions(5, 5);
      assertThat(arm.aInverse()).hasDimensions(5, 5);
      assertThat(arm.b()).hasSize(5);
      assertThat(arm.updatesSinceReinversion()).isEqualTo((int) (arm.updates() % 7));
    });
    var json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(exported));
    assertThat(json.get("settings").get("forgetting").asDouble()).isEqualTo(0.98);
    assertThat(json.get("arms").get(0).fieldNames()).toIterable()
        .containsExactlyInAnyOrder("id", "updates", "updatesSinceReinversion", "ridge", "drift", "a", "aInverse", "b");
  }

  @Test
  void anExportIsACopy() {
    var model = trained(3);
    var exported = model.export();
    var before = exported.arms().get(0).b().clone();
    play(model, new SplittableRandom(4), 100);
    assertThat(exported.arms().get(0).b()).isEqualTo(before);
    assertThat(model.export().arms().get(0).b()).isNotEqualTo(before);
  }

  @Test
  void parametersNoModelCouldHaveExportedAreRefused() throws IOException {
    var json = (ObjectNode) Json.MAPPER.valueToTree(trained(5).export());
    assertRefused(json, root -> ((ArrayNode) arm(root).get("b")).remove(4), "arm 'spring-sale': b has 4 values, expected 5");
    assertRefused(json, root -> ((ObjectNode) root.get("settings")).put("dimension", 4),
        "arm 'spring-sale' has dimension 5, the settings say 4");
    assertRefused(json, root -> ((ArrayNode) arm(root).get("aInverse").get(2)).remove(0),
        "arm 'spring-sale': aInverse[2] must have 5 values");
    assertRefused(json, root -> ((ArrayNode) arm(root).get("a").get(1)).set(3, 1e9),
        "arm 'spring-sale': a is not symmetric (a[3][1] = ");
    assertRefused(json, root -> ((ArrayNode) arm(root).get("b")).set(2, "NaN"),
        "arm 'spring-sale': b[2] must be finite, got NaN");
    assertRefused(json, root -> arm(root).put("ridge", 0.6), "arm 'spring-sale': ridge 0.6 is above the settings' 0.5");
    assertRefused(json, root -> arm(root).put("updatesSinceReinversion", 7),
        "arm 'spring-sale': updatesSinceReinversion must be below reinvertEvery (7), got 7");
    assertRefused(json, root -> ((ObjectNode) root.get("arms").get(1)).put("id", "spring-sale"), "arm 'spring-sale' is there twice");
    assertRefused(json, root -> ((ObjectNode) root.get("settings")).put("epsilon", 0), "epsilon must be in (0, 1], got 0.0");
  }

  private static ObjectNode arm(JsonNode root) {
    return (ObjectNode) root.get("arms").get(0);
  }

  private static void assertRefused(ObjectNode json, Consumer<ObjectNode> change, String message) {
    var changed = json.deepCopy();
    change.accept(changed);
    assertThatThrownBy(() -> Json.MAPPER.treeToValue(changed, LinUcbParameters.class))
        .isInstanceOf(ValueInstantiationException.class)
        .cause().isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }
}
