package dev.beacon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The house rules of the layout, read from the compiled main classes. */
class LayoutTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.beacon");

  @Test
  void noTwoPackagesDependOnEachOtherInALoop() {
    slices().matching("dev.beacon.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void theAttributionMathsRunsWithoutPekkoOrTheJourneyEntity() {
    noClasses().that().resideInAPackage("dev.beacon.attribution..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "dev.beacon.journey..")
        .check(MAIN);
  }

  @Test
  void theBanditMathsAndItsOfflineEvaluationRunWithoutPekko() {
    noClasses().that().resideInAPackage("dev.beacon.bandit.offline..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..")
        .check(MAIN);
    noClasses().that().resideInAPackage("dev.beacon.bandit").and().haveSimpleNameStartingWith("LinUcb")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "dev.beacon.bandit.offline..")
        .check(MAIN);
  }

  @Test
  void theIngestKnowsTheFeaturesOnlyByTheirBatchParts() {
    noClasses().that().resideInAPackage("dev.beacon.ingest..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.beacon.campaign..", "dev.beacon.journey..",
            "dev.beacon.attribution..", "dev.beacon.simulate..")
        .check(MAIN);
  }

  /** A file is its top-level class with everything nested in it; a loop of any length between files fails. */
  @Test
  void noTwoFilesDependOnEachOtherInALoop() {
    var graph = new TreeMap<String, Set<String>>();
    for (JavaClass c : MAIN) {
      var from = file(c);
      var to = graph.computeIfAbsent(from, k -> new TreeSet<>());
      c.getDirectDependenciesFromSelf().forEach(d -> {
        var target = d.getTargetClass().getBaseComponentType();
        if (target.getPackageName().startsWith("dev.beacon") && !file(target).equals(from)) to.add(file(target));
      });
    }
    assertEquals(List.of(), loops(graph), "files in a loop");
  }

  private static String file(JavaClass c) {
    var outer = c;
    while (outer.getEnclosingClass().isPresent()) outer = outer.getEnclosingClass().get();
    return outer.getName();
  }

  /** The strongly connected components of more than one file (Tarjan). */
  private static List<Set<String>> loops(Map<String, Set<String>> graph) {
    var index = new HashMap<String, Integer>();
    var low = new HashMap<String, Integer>();
    var stack = new ArrayDeque<String>();
    var loops = new ArrayList<Set<String>>();
    for (var node : graph.keySet()) if (!index.containsKey(node)) visit(node, graph, index, low, stack, loops);
    return loops;
  }

  private static void visit(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, List<Set<String>> loops) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    for (var next : graph.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        visit(next, graph, index, low, stack, loops);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (stack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      var component = new TreeSet<String>();
      String member;
      do {
        member = stack.pop();
        component.add(member);
      } while (!member.equals(node));
      if (component.size() > 1) loops.add(component);
    }
  }
}
