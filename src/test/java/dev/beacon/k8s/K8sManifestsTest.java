package dev.beacon.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import dev.beacon.bandit.model.ModelStreamSettings;
import dev.beacon.ingest.KafkaSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * k8s/ against the application: every manifest parses into the Kubernetes model classes with no
 * field they do not know; every variable it sets is one Beacon (or the JVM) reads; and the base,
 * and every overlay as {@code kubectl kustomize} renders it, agree with application.conf as the
 * pod's environment resolves it: ports, listen addresses, probe paths, the shutdown time, the
 * cluster bootstrap's discovery (its label selector against the pod's labels, its port, the
 * contact points against the replicas) and rights, the lease's rights exactly where the lease is
 * on, the topics and their partitions, the scrape with the admin key, and the Grafana dashboard.
 */
class K8sManifestsTest {
  private static final Map<String, String> LABELS = Map.of("app", "beacon");
  /** Variables the manifests may set that application.conf does not read, and who reads them. */
  private static final Map<String, String> READ_ELSEWHERE = Map.of(
      "JAVA_TOOL_OPTIONS", "the JVM: the heap as a share of the container's memory limit");
  private static final Set<String> KAFKA_TOPIC_SPEC = Set.of("partitions", "replicas", "config", "topicName");

  @Test
  void everyManifestParsesIntoTheKubernetesModelWithNoUnknownField() {
    assertThat(Manifests.resourceFiles()).isNotEmpty();
    for (var file : Manifests.resourceFiles()) assertKnown(Manifests.read(file), file.toString());
  }

  @Test
  void everyManifestIsTakenInByTheKustomizationBesideIt() {
    var dirs = new ArrayList<>(List.of(Manifests.ROOT.resolve("base")));
    dirs.addAll(Manifests.overlays());
    var taken = new HashSet<Path>();
    dirs.forEach(dir -> taken.addAll(Manifests.kustomized(dir)));
    assertThat(taken).containsExactlyInAnyOrderElementsOf(Manifests.resourceFiles());
  }

  @Test
  void everyVariableTheManifestsSetIsOneTheApplicationReads() throws IOException {
    var read = new HashSet<>(applicationConfVariables());
    read.addAll(READ_ELSEWHERE.keySet());
    var set = new HashSet<String>();
    for (var file : Manifests.resourceFiles()) {
      var deployed = new Deployed(Manifests.read(file));
      deployed.all(ConfigMap.class).forEach(map -> set.addAll(map.getData().keySet()));
      for (var deployment : deployed.all(Deployment.class)) {
        deployment.getSpec().getTemplate().getSpec().getContainers()
            .forEach(c -> c.getEnv().forEach(variable -> set.add(variable.getName())));
      }
    }
    assertThat(set).as("read by application.conf (${?NAME}) or by: %s", READ_ELSEWHERE)
        .contains("BEACON_KAFKA_PARTITIONS", "BEACON_DB_URL").isSubsetOf(read);
  }

  @Test
  void theBaseMatchesTheApplication() {
    var base = new ArrayList<HasMetadata>();
    Manifests.resourceFiles().stream().filter(f -> f.startsWith(Manifests.ROOT.resolve("base")))
        .forEach(f -> base.addAll(Manifests.read(f)));
    assertMatchesTheApplication(new Deployed(base));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.beacon.k8s.Manifests#overlays")
  void everyOverlayRendersAndMatchesTheApplication(Path overlay) throws IOException, InterruptedException {
    var rendered = Manifests.render(overlay);
    Assumptions.assumeTrue(rendered.isPresent(), "kubectl not on the PATH");
    var resources = Manifests.parse(rendered.get());
    assertKnown(resources, overlay + " (rendered)");
    assertThat(resources).allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("beacon"));
    assertMatchesTheApplication(new Deployed(resources));
    assertGrafanaDashboard(new Deployed(resources));
  }

  private static void assertKnown(List<HasMetadata> resources, String where) {
    assertThat(resources).as(where).isNotEmpty();
    for (var resource : resources) {
      assertThat(Manifests.unknownFields(resource)).as(where).isEmpty();
      if (resource instanceof GenericKubernetesResource custom) {
        var kind = custom.getApiVersion() + " " + custom.getKind();
        assertThat(kind).as(where).isIn("kafka.strimzi.io/v1beta2 KafkaTopic", "monitoring.coreos.com/v1 ServiceMonitor");
        assertThat(custom.getAdditionalProperties()).as(where).containsOnlyKeys("spec");
        if (custom.getKind().equals("KafkaTopic")) {
          assertThat(custom.<Map<String, Object>>get("spec").keySet()).as(where).isSubsetOf(KAFKA_TOPIC_SPEC);
        }
      }
    }
  }

  private static Set<String> applicationConfVariables() throws IOException {
    try (var in = K8sManifestsTest.class.getResourceAsStream("/application.conf")) {
      var text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Pattern.compile("\\$\\{\\?([A-Za-z0-9_]+)}").matcher(text).results().map(m -> m.group(1)).collect(Collectors.toSet());
    }
  }

  private static void assertMatchesTheApplication(Deployed deployed) {
    var config = deployed.applicationConfig();
    var deployment = deployed.deployment();
    var pod = deployment.getSpec().getTemplate();
    var container = deployed.container();

    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(LABELS);
    assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(LABELS);
    assertThat(container.getPorts().stream().collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort())))
        .isEqualTo(Map.of("http", config.getInt("beacon.http.port"),
            "management", config.getInt("pekko.management.http.port"),
            "remoting", config.getInt("pekko.remote.artery.canonical.port")));
    assertThat(config.getString("beacon.http.host")).isEqualTo("0.0.0.0");
    assertThat(config.getString("pekko.management.http.hostname")).isEqualTo(Deployed.POD_IP);
    assertThat(config.getString("pekko.remote.artery.canonical.hostname")).isEqualTo(Deployed.POD_IP);

    var health = config.getConfig("pekko.management.health-checks");
    assertProbe(container.getReadinessProbe(), "/" + health.getString("readiness-path"));
    assertProbe(container.getLivenessProbe(), "/" + health.getString("liveness-path"));
    assertProbe(container.getStartupProbe(), "/" + health.getString("liveness-path"));
    // /ready fails first, and HTTP serves on while the endpoints drop the pod (no preStop pause needed)
    assertThat(config.getDuration("beacon.shutdown.unready-wait")).isPositive();
    assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isGreaterThan(longestShutdownSeconds(config));

    assertThat(deployed.environment().get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
    assertThat(container.getResources().getLimits()).containsKey("memory");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");

    assertDiscovery(config, deployment, container);
    assertRights(deployed, pod.getSpec().getServiceAccountName(), config);
    var management = deployed.service("beacon-management").getSpec();
    assertThat(management.getClusterIP()).isEqualTo("None");
    assertThat(management.getPublishNotReadyAddresses()).isTrue();
    assertThat(management.getSelector()).isEqualTo(LABELS);
    assertThat(management.getPorts()).singleElement().satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("management"));
    var http = deployed.service("beacon").getSpec();
    assertThat(http.getSelector()).isEqualTo(LABELS);
    assertThat(http.getPorts()).singleElement().satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
    var budget = deployed.one(PodDisruptionBudget.class, "beacon").getSpec();
    assertThat(budget.getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSelector().getMatchLabels()).isEqualTo(LABELS);

    assertTopics(deployed, config);
    assertScrape(deployed, config);
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
  }

  /** What CoordinatedShutdown takes when every phase runs to its timeout (application.conf's drain among them). */
  private static long longestShutdownSeconds(Config config) {
    var shutdown = config.getConfig("pekko.coordinated-shutdown");
    var phases = shutdown.getConfig("phases");
    var fallback = shutdown.getDuration("default-phase-timeout");
    return phases.root().keySet().stream()
        .map(name -> phases.getConfig(ConfigUtil.joinPath(name)))
        .mapToLong(phase -> (phase.hasPath("timeout") ? phase.getDuration("timeout") : fallback).toSeconds())
        .sum();
  }

  /**
   * The cluster bootstrap finds these pods: its label selector (the service name in it) matches
   * the pod's labels, its port name is a container port, by the pods' IPs in the pod's namespace,
   * and the contact points it waits for to form a cluster are no more than the replicas.
   */
  private static void assertDiscovery(Config config, Deployment deployment, Container container) {
    assertThat(config.getString("beacon.cluster.discovery")).isEqualTo("kubernetes-api");
    var bootstrap = config.getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
    var kubernetes = config.getConfig("pekko.discovery.kubernetes-api");
    assertThat(bootstrap.getString("discovery-method")).isEqualTo("kubernetes-api");
    var selector = kubernetes.getString("pod-label-selector").replace("%s", bootstrap.getString("service-name"));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).as("labels selected by %s", selector)
        .containsAllEntriesOf(labels(selector));
    assertThat(container.getPorts()).extracting(ContainerPort::getName).contains(bootstrap.getString("port-name"));
    assertThat(kubernetes.getBoolean("use-raw-ip")).isTrue();
    assertThat(kubernetes.getString("pod-namespace")).isEqualTo(Deployed.NAMESPACE);
    assertThat(bootstrap.getInt("required-contact-point-nr")).isBetween(1, deployment.getSpec().getReplicas());
  }

  /** A label selector of equalities ({@code app=beacon,tier=x}) as labels. */
  private static Map<String, String> labels(String selector) {
    return Stream.of(selector.split(",")).map(String::strip).map(term -> {
      assertThat(term).as("an equality in the selector %s", selector).matches("[^=!]+=[^=]+");
      return term.split("=", 2);
    }).collect(Collectors.toMap(kv -> kv[0].strip(), kv -> kv[1].strip()));
  }

  /** The service account may list the pods (discovery), and take the lease exactly when the lease is on. */
  private static void assertRights(Deployed deployed, String serviceAccount, Config config) {
    deployed.one(ServiceAccount.class, serviceAccount);
    var bindings = deployed.all(RoleBinding.class).stream()
        .filter(b -> b.getSubjects().stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(serviceAccount)))
        .toList();
    assertThat(bindings).isNotEmpty().allSatisfy(b -> assertThat(b.getRoleRef().getKind()).isEqualTo("Role"));
    var rules = bindings.stream().flatMap(b -> deployed.one(Role.class, b.getRoleRef().getName()).getRules().stream()).toList();
    assertThat(rules).anySatisfy(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("pods");
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "watch", "list");
    });
    var leaseRules = rules.stream().filter(rule -> rule.getResources().contains("leases")).toList();
    if (config.getBoolean("beacon.cluster.lease")) {
      assertThat(leaseRules).singleElement().satisfies(rule -> {
        assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
        assertThat(rule.getVerbs()).contains("get", "create", "update");
      });
      assertThat(config.getString("pekko.coordination.lease.kubernetes.namespace")).isEqualTo(Deployed.NAMESPACE);
    } else {
      assertThat(leaseRules).as("lease rights without BEACON_CLUSTER_LEASE").isEmpty();
    }
  }

  /** A KafkaTopic for every topic Beacon creates at start, with the partitions and replication it would give it. */
  private static void assertTopics(Deployed deployed, Config config) {
    var kafka = KafkaSettings.from(config.getConfig("beacon.kafka"));
    var names = new ArrayList<>(List.of(kafka.topic(), kafka.deadLetterTopic()));
    names.addAll(ModelStreamSettings.from(config.getConfig("beacon.bandit")).topics());
    var topics = deployed.custom("kafka.strimzi.io/v1beta2", "KafkaTopic");
    assertThat(topics).extracting(K8sManifestsTest::topicName).containsExactlyInAnyOrderElementsOf(names);
    for (var topic : topics) {
      assertThat(topic.<Integer>get("spec", "partitions")).as(topicName(topic)).isEqualTo(kafka.partitions());
      assertThat(topic.<Integer>get("spec", "replicas")).as(topicName(topic)).isEqualTo((int) kafka.replicationFactor());
      assertThat(topic.getMetadata().getLabels()).containsKey("strimzi.io/cluster");
    }
  }

  private static String topicName(GenericKubernetesResource topic) {
    String name = topic.get("spec", "topicName");
    return name != null ? name : topic.getMetadata().getName();
  }

  /** /metrics on the HTTP port, over HTTPS when the API has a keystore, with the admin key the pods read. */
  private static void assertScrape(Deployed deployed, Config config) {
    var monitors = deployed.custom("monitoring.coreos.com/v1", "ServiceMonitor");
    assertThat(monitors).hasSize(1);
    var monitor = monitors.get(0);
    assertThat(deployed.service("beacon").getMetadata().getLabels())
        .containsAllEntriesOf(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"));
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints).hasSize(1);
    var endpoint = endpoints.get(0);
    assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/metrics");
    var keystore = config.getString("beacon.http.tls.keystore");
    assertThat(endpoint).containsEntry("scheme", keystore.isEmpty() ? "http" : "https");
    var adminKeyFile = config.getString("beacon.security.admin-key-file");
    var adminKey = Map.of("name", secretFile(deployed, adminKeyFile).getSecret().getSecretName(),
        "key", Path.of(adminKeyFile).getFileName().toString());
    assertThat(GenericKubernetesResource.<String>get(endpoint, "authorization", "type")).isEqualTo("Bearer");
    assertThat(GenericKubernetesResource.<Map<String, String>>get(endpoint, "authorization", "credentials")).isEqualTo(adminKey);
    if (!keystore.isEmpty()) {
      var tls = secretFile(deployed, keystore);
      assertThat(GenericKubernetesResource.<String>get(endpoint, "tlsConfig", "ca", "secret", "name"))
          .isEqualTo(tls.getSecret().getSecretName());
    }
  }

  /**
   * The Grafana dashboard as the ConfigMap Grafana's dashboard sidecar loads (labelled
   * grafana_dashboard: "1"): the file itself, JSON whose queries name Beacon's meters
   * (MetricsTest checks that /metrics serves each of them).
   */
  private static void assertGrafanaDashboard(Deployed deployed) throws IOException {
    var map = deployed.one(ConfigMap.class, "beacon-grafana-dashboard");
    assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    var file = Manifests.ROOT.resolve("base").resolve("grafana-dashboard.json");
    assertThat(map.getData()).containsOnlyKeys("beacon-dashboard.json");
    var json = map.getData().get("beacon-dashboard.json");
    assertThat(json).isEqualTo(Files.readString(file));
    assertThat(new ObjectMapper().readTree(json).path("panels").size()).isPositive();
    assertThat(json).contains("beacon_kafka_consumer_lag_records", "beacon_batch_persist_seconds");
  }

  /** The secret volume mounted where {@code file} is. */
  private static Volume secretFile(Deployed deployed, String file) {
    var mount = deployed.container().getVolumeMounts().stream()
        .filter(m -> Path.of(file).getParent().equals(Path.of(m.getMountPath()))).toList();
    assertThat(mount).as("a volume mounted at the folder of %s", file).hasSize(1);
    var volume = deployed.deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(mount.get(0).getName())).findFirst().orElseThrow();
    assertThat(volume.getSecret()).as("%s comes from a secret", file).isNotNull();
    return volume;
  }
}
