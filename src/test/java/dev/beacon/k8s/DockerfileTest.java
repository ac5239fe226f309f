package dev.beacon.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile against what runs it. No Docker engine runs where the tests run, so the image
 * is not built here; instead its final stage is read and checked against the pom and the pod
 * spec in k8s/base: the jar the build stage makes is the one the entrypoint runs, java is
 * process 1 (exec form, so SIGTERM reaches CoordinatedShutdown), the user is the pod's numeric
 * non-root user, the ports are the container's, the data directory is a variable Beacon reads
 * and a writable volume under the pod's read-only root, and the JRE is 17 or newer.
 */
class DockerfileTest {
  private static final Path DOCKERFILE = Path.of("Dockerfile");

  /** One instruction: its keyword and its arguments, continuation lines joined. */
  record Instruction(String keyword, String arguments) {}

  /** The instructions of each stage, in order (a stage begins at FROM). */
  static List<List<Instruction>> stages(String dockerfile) {
    var joined = dockerfile.replaceAll("\\\\\\r?\\n", " ");
    var stages = new ArrayList<List<Instruction>>();
    for (var line : joined.split("\\r?\\n")) {
      var text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) continue;
      var parts = text.split("\\s+", 2);
      var instruction = new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : "");
      if (instruction.keyword().equals("FROM")) stages.add(new ArrayList<>());
      assertThat(stages).as("an instruction before the first FROM: %s", text).isNotEmpty();
      stages.get(stages.size() - 1).add(instruction);
    }
    return stages;
  }

  private static List<String> arguments(List<Instruction> stage, String keyword) {
    return stage.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
  }

  private static String only(List<Instruction> stage, String keyword) {
    var found = arguments(stage, keyword);
    assertThat(found).as(keyword).hasSize(1);
    return found.get(0);
  }

  @Test
  void theImageRunsTheJarTheBuildMakesAsThePodsUserWithTheirPortsAndAWritableDataDirectory() throws IOException {
    var stages = stages(Files.readString(DOCKERFILE));
    assertThat(stages).as("a build stage and a run stage").hasSize(2);
    var build = stages.get(0);
    var run = stages.get(1);

    var buildFrom = only(build, "FROM").split("\\s+");
    assertThat(buildFrom).as("FROM <image> AS <name>").hasSize(3);
    assertThat(buildFrom[1]).isEqualToIgnoringCase("AS");
    assertThat(javaVersion(buildFrom[0])).as("the build's JDK").isGreaterThanOrEqualTo(17);
    assertThat(arguments(build, "RUN")).anySatisfy(command -> assertThat(command).contains("mvn").contains("package"));
    var workdir = Path.of(only(build, "WORKDIR"));
    var jarBuilt = workdir.resolve("target").resolve(finalName() + ".jar");

    var runImage = only(run, "FROM");
    assertThat(runImage).contains("jre");
    assertThat(javaVersion(runImage)).as("the JRE").isGreaterThanOrEqualTo(17);
    var copy = arguments(run, "COPY").stream().filter(c -> c.startsWith("--from=" + buildFrom[2] + " ")).toList();
    assertThat(copy).hasSize(1);
    var copied = copy.get(0).substring(("--from=" + buildFrom[2] + " ").length()).split("\\s+");
    assertThat(Path.of(copied[0])).as("the jar the build stage makes").isEqualTo(jarBuilt);
    var jarInImage = copied[1];

    assertThat(only(run, "ENTRYPOINT")).as("exec form (a JSON array), not a shell's: java is process 1 and gets SIGTERM").startsWith("[");
    List<String> entrypoint = List.of(new ObjectMapper().readValue(only(run, "ENTRYPOINT"), String[].class));
    assertThat(entrypoint).containsExactly("java", "-jar", jarInImage);

    var base = Manifests.resourceFiles().stream().filter(f -> f.startsWith(Manifests.ROOT.resolve("base")))
        .flatMap(f -> Manifests.read(f).stream()).toList();
    var pod = new Deployed(base);
    var security = pod.deployment().getSpec().getTemplate().getSpec().getSecurityContext();
    var user = only(run, "USER").split(":");
    assertThat(Long.parseLong(user[0])).as("a numeric user, the pod's runAsUser").isPositive().isEqualTo(security.getRunAsUser());
    assertThat(Long.parseLong(user[1])).as("the pod's runAsGroup").isEqualTo(security.getRunAsGroup());
    assertThat(security.getRunAsNonRoot()).isTrue();

    var exposed = arguments(run, "EXPOSE").stream().flatMap(e -> Stream.of(e.split("\\s+"))).map(Integer::valueOf).toList();
    assertThat(exposed).containsExactlyInAnyOrderElementsOf(
        pod.container().getPorts().stream().map(ContainerPort::getContainerPort).toList());

    var env = environment(arguments(run, "ENV"));
    var dataDir = env.get("BEACON_DATA_DIR");
    assertThat(dataDir).as("the image's BEACON_DATA_DIR").isNotNull();
    assertThat(Files.readString(Path.of("src/main/resources/application.conf"))).contains("${?BEACON_DATA_DIR}");
    assertThat(only(run, "WORKDIR")).isEqualTo(dataDir);
    assertThat(pod.container().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    var dataDirInPod = pod.environment().getOrDefault("BEACON_DATA_DIR", dataDir);
    assertThat(pod.container().getVolumeMounts()).as("a writable volume at the data directory, %s", dataDirInPod)
        .anySatisfy(mount -> {
          assertThat(mount.getMountPath()).isEqualTo(dataDirInPod);
          assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        });
    assertThat(pod.container().getVolumeMounts()).extracting(VolumeMount::getMountPath).as("the JVM's temporary files").contains("/tmp");
  }

  @Test
  void theBuildContextHoldsThePomAndTheMainSourcesOnly() throws IOException {
    var rules = Files.readAllLines(Path.of(".dockerignore")).stream()
        .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    var build = stages(Files.readString(DOCKERFILE)).get(0);
    assertThat(arguments(build, "COPY")).isNotEmpty()
        .allSatisfy(copy -> assertThat(inContext(rules, copy.split("\\s+")[0])).as("COPY %s", copy).isTrue());
    assertThat(inContext(rules, "src/main/java/dev/beacon/Main.java")).isTrue();
    assertThat(inContext(rules, "src/main/resources/application.conf")).isTrue();
    for (var left : List.of("target/beacon.jar", "src/test/java/dev/beacon/k8s/DockerfileTest.java",
        "src/test/browser/node_modules/x", ".git/HEAD", "k8s/base/deployment.yaml", "README.md")) {
      assertThat(inContext(rules, left)).as("%s left out of the build context", left).isFalse();
    }
  }

  /**
   * Whether .dockerignore's rules send a path to the build: the last rule that matches it decides
   * ({@code !} sends it); a rule matches the path itself and what is under it ({@code *}: all).
   */
  static boolean inContext(List<String> rules, String path) {
    var sent = true;
    for (var rule : rules) {
      var negated = rule.startsWith("!");
      var pattern = (negated ? rule.substring(1) : rule).replaceAll("/+$", "");
      if (pattern.equals("*") || path.equals(pattern) || path.startsWith(pattern + "/")) sent = negated;
    }
    return sent;
  }

  @Test
  void instructionsAreReadAcrossContinuationLinesAndStages() {
    var stages = stages("""
        # a comment
        FROM a:17 AS b
        RUN one \\
         && two
        FROM c:21-jre
        USER 1:2
        """);
    assertThat(stages).hasSize(2);
    assertThat(stages.get(0)).containsExactly(new Instruction("FROM", "a:17 AS b"), new Instruction("RUN", "one   && two"));
    assertThat(stages.get(1)).containsExactly(new Instruction("FROM", "c:21-jre"), new Instruction("USER", "1:2"));
    assertThat(javaVersion("eclipse-temurin:21-jre")).isEqualTo(21);
  }

  /** The Java version an image's tag names: the first number of two or more digits after the colon. */
  static int javaVersion(String image) {
    var tag = image.substring(image.indexOf(':') + 1);
    var matcher = Pattern.compile("(?<![0-9.])([0-9]{2})(?![0-9])").matcher(tag);
    assertThat(matcher.find()).as("a Java version in %s", image).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  private static String finalName() throws IOException {
    var matcher = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(Files.readString(Path.of("pom.xml")));
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }

  /** ENV instructions as variables, each written {@code NAME=value} (the form Docker documents; no spaces in values here). */
  private static Map<String, String> environment(List<String> instructions) {
    return instructions.stream().flatMap(env -> Stream.of(env.split("\\s+"))).map(pair -> {
      assertThat(pair).as("ENV NAME=value").contains("=");
      return pair.split("=", 2);
    }).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
  }
}
