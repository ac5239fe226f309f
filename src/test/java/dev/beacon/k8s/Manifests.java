package dev.beacon.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;

/**
 * The manifests under {@code k8s/}: its YAML files, and its overlays as {@code kubectl kustomize}
 * renders them, read into fabric8's Kubernetes model classes. Strict: the model classes keep a
 * field they do not know in {@code additionalProperties} instead of failing, so
 * {@link #unknownFields} walks a parsed resource for every such map that is not empty.
 */
final class Manifests {
  static final Path ROOT = Path.of("k8s");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  /** Every YAML file under k8s/ that holds resources or patches of them (kustomization.yaml excepted). */
  static List<Path> resourceFiles() {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("kustomization.yaml"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> overlays() {
    try (Stream<Path> dirs = Files.list(ROOT.resolve("overlays"))) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files a directory's kustomization.yaml takes in: its resources and its patches. */
  static Set<Path> kustomized(Path dir) {
    Map<?, ?> kustomization;
    try {
      kustomization = SERIALIZATION.unmarshal(Files.readString(dir.resolve("kustomization.yaml")), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Stream.of("resources", "patchesStrategicMerge")
        .filter(kustomization::containsKey)
        .flatMap(field -> ((List<?>) kustomization.get(field)).stream())
        .map(file -> dir.resolve((String) file)).collect(Collectors.toSet());
  }

  static List<HasMetadata> read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The resources of one YAML stream, each of the model class its apiVersion and kind name. */
  static List<HasMetadata> parse(String yaml) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    if (parsed instanceof HasMetadata one) return List.of(one);
    var all = new ArrayList<HasMetadata>();
    for (var item : (Collection<?>) parsed) all.add((HasMetadata) item);
    return all;
  }

  /**
   * {@code kubectl kustomize dir}, or empty when kubectl is not on the PATH: then the caller skips,
   * with a line on the console, unless BEACON_TEST_REQUIRE_KUBECTL=true (as in CI).
   */
  static Optional<String> render(Path dir) throws IOException, InterruptedException {
    var errors = Files.createTempFile("kubectl-kustomize", ".err");
    Process process;
    try {
      process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectError(errors.toFile()).start();
    } catch (IOException e) {
      var why = "kubectl not found on the PATH (apt-get install kubernetes-client): " + e.getMessage();
      System.out.println("[kubectl tests] " + why);
      Files.delete(errors);
      if (Boolean.parseBoolean(System.getenv("BEACON_TEST_REQUIRE_KUBECTL"))) Assertions.fail(why);
      return Optional.empty();
    }
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assertions.assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + dir + " did not finish");
    // Newer kubectl warns here that the kustomize 2.0 fields the overlays keep are deprecated.
    var warnings = Files.readString(errors);
    Files.delete(errors);
    Assertions.assertEquals(0, process.exitValue(), "kubectl kustomize " + dir + " failed: " + warnings);
    return Optional.of(output);
  }

  /**
   * Where a model object holds fields its class does not know, as "path: [names]". A
   * GenericKubernetesResource (a kind without a model class) keeps its whole body so: its own
   * map is left to the caller.
   */
  static List<String> unknownFields(HasMetadata resource) {
    var found = new ArrayList<String>();
    var name = resource.getKind() + " " + resource.getMetadata().getName();
    walk(resource, name, found, Collections.newSetFromMap(new IdentityHashMap<>()), resource instanceof GenericKubernetesResource);
    return found;
  }

  private static void walk(Object value, String path, List<String> found, Set<Object> seen, boolean generic) {
    if (value instanceof Collection<?> items) {
      var i = 0;
      for (var item : items) walk(item, path + "[" + i++ + "]", found, seen, false);
      return;
    }
    if (value instanceof Map<?, ?> entries) {
      entries.forEach((k, v) -> walk(v, path + "." + k, found, seen, false));
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.") || !seen.add(value)) return;
    for (Class<?> type = value.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (var field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) continue;
        field.setAccessible(true);
        Object fieldValue;
        try {
          fieldValue = field.get(value);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
        if (!field.getName().equals("additionalProperties")) {
          walk(fieldValue, path + "." + field.getName(), found, seen, false);
        } else if (!generic && fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": " + extra.keySet());
        }
      }
    }
  }
}
