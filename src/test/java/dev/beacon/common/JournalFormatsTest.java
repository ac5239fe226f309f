package dev.beacon.common;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.beacon.bandit.model.BanditModelJournalSamples;
import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignJournalSamples;
import dev.beacon.journey.JourneyJournalSamples;
import dev.beacon.testing.TestKits;
import java.io.File;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Old journals stay readable. Each file under {@code journal/golden/<serializer>/<manifest>.bin}
 * holds bytes written once from a rich sample, and must still read as that sample; every type an
 * entity persists (its events, its snapshot state) has the file of the manifest it is written
 * under today; and the compact serializers still write those bytes exactly. Nothing here writes a
 * golden file (journal/golden/README.md says how one is added).
 */
class JournalFormatsTest {
  /** The journal's serializers by the name application.conf gives them, with the ids its rows store. */
  private static final Map<String, Integer> SERIALIZERS =
      Map.of("campaign-events", 7_420_001, "journey-events", 7_420_002, "bandit-events", 7_420_003, "jackson-cbor", 33);

  private static final ActorTestKit testKit = ActorTestKit.create("JournalFormatsTest", TestKits.eventSourcedConfig());
  private static final Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Golden file (serializer/manifest) → the value it was written from. */
  private static Map<String, Object> samples() {
    var samples = new TreeMap<String, Object>(CampaignJournalSamples.byGoldenFile());
    samples.putAll(JourneyJournalSamples.byGoldenFile());
    samples.putAll(BanditModelJournalSamples.byGoldenFile());
    return samples;
  }

  @Test
  void everyGoldenFileHasItsSampleAndEverySampleItsGoldenFile() throws Exception {
    assertEquals(samples().keySet(), goldenFiles());
  }

  @Test
  void everyGoldenFileStillReadsAsTheSampleItWasWrittenFrom() {
    assertAll(samples().entrySet().stream().map(sample -> (Executable) () -> {
      var file = sample.getKey();
      var slash = file.indexOf('/');
      var id = SERIALIZERS.get(file.substring(0, slash));
      assertNotNull(id, "no serializer named " + file.substring(0, slash));
      var read = serialization.deserialize(golden(file), id, file.substring(slash + 1)).get();
      // the snapshot states are mutable classes without equals: compared as JSON, which keeps their maps' order
      if (sample.getValue() instanceof Record) assertEquals(sample.getValue(), read, file);
      else assertEquals(Json.MAPPER.writeValueAsString(sample.getValue()), Json.MAPPER.writeValueAsString(read), file);
    }));
  }

  @Test
  void everyTypeAnEntityPersistsHasTheGoldenFileOfItsCurrentManifest() throws Exception {
    var types = persistedTypes();
    assertFalse(types.isEmpty(), "no event-sourced entity found");
    var samples = samples();
    var missing = new ArrayList<String>();
    for (var type : types) {
      var covered = samples.entrySet().stream()
          .anyMatch(s -> s.getValue().getClass() == type && s.getKey().equals(writtenAs(s.getValue())));
      if (!covered) missing.add(type.getName());
    }
    assertEquals(List.of(), missing, "persisted without a golden file of the manifest written today");
  }

  @Test
  void theCompactSerializersStillWriteTheGoldenBytesOfTheirCurrentManifests() {
    // Jackson's bytes may change and mean the same (a set's order, a library upgrade): CBOR only has to read
    assertAll(samples().entrySet().stream()
        .filter(s -> !s.getKey().startsWith("jackson-cbor/") && s.getKey().equals(writtenAs(s.getValue())))
        .map(s -> (Executable) () -> assertArrayEquals(golden(s.getKey()), serialization.serialize(s.getValue()).get(), s.getKey())));
  }

  /** The golden file the serializers of today would write this value to. */
  private static String writtenAs(Object value) {
    var serializer = serialization.findSerializerFor(value);
    var name = SERIALIZERS.entrySet().stream().filter(e -> e.getValue() == serializer.identifier())
        .map(Map.Entry::getKey).findFirst().orElse("serializer " + serializer.identifier());
    return name + "/" + Serializers.manifestFor(serializer, value);
  }

  private static byte[] golden(String file) throws Exception {
    try (var in = JournalFormatsTest.class.getResourceAsStream("/journal/golden/" + file + ".bin")) {
      assertNotNull(in, "no golden file " + file);
      return in.readAllBytes();
    }
  }

  private static Set<String> goldenFiles() throws Exception {
    var root = Path.of(JournalFormatsTest.class.getResource("/journal/golden").toURI());
    try (var files = Files.walk(root)) {
      return files.map(f -> root.relativize(f).toString().replace(File.separatorChar, '/'))
          .filter(f -> f.endsWith(".bin")).map(f -> f.substring(0, f.length() - ".bin".length()))
          .collect(TreeSet::new, Set::add, Set::addAll);
    }
  }

  /** The events (each permitted type of a sealed one) and the state of every event-sourced entity in the main code. */
  private static Set<Class<?>> persistedTypes() throws Exception {
    var root = Path.of(Campaign.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    var types = new TreeSet<Class<?>>(Comparator.comparing(Class::getName));
    try (var files = Files.walk(root)) {
      for (var file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        var name = root.relativize(file).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
        var type = Class.forName(name, false, JournalFormatsTest.class.getClassLoader());
        if (!EventSourcedBehavior.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) continue;
        var arguments = ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments();
        addConcrete((Class<?>) arguments[1], types);
        addConcrete((Class<?>) arguments[2], types);
      }
    }
    return types;
  }

  private static void addConcrete(Class<?> type, Set<Class<?>> into) {
    if (!type.isSealed()) into.add(type);
    else for (var permitted : type.getPermittedSubclasses()) addConcrete(permitted, into);
  }
}
