package dev.beacon.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resources of one deployment of Beacon (the base, or an overlay as rendered), found by
 * kind and name, and what the application makes of them: the Beacon container's environment,
 * with the downward API and secrets stood in for, and application.conf resolved with it, as the
 * process in the pod would resolve it (nothing from this machine's environment).
 */
record Deployed(List<HasMetadata> resources) {
  static final String POD_IP = "10.1.2.3";
  static final String NAMESPACE = "beacon-namespace";

  <T extends HasMetadata> T one(Class<T> type, String name) {
    var found = all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
    assertThat(found).as("%s %s", type.getSimpleName(), name).hasSize(1);
    return found.get(0);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The resources of a kind without a model class (Strimzi's KafkaTopic, the operator's ServiceMonitor). */
  List<GenericKubernetesResource> custom(String apiVersion, String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(r -> r.getApiVersion().equals(apiVersion) && r.getKind().equals(kind)).toList();
  }

  Deployment deployment() {
    return one(Deployment.class, "beacon");
  }

  Container container() {
    var containers = deployment().getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).extracting(Container::getName).containsExactly("beacon");
    return containers.get(0);
  }

  Service service(String name) {
    return one(Service.class, name);
  }

  /** The container's environment: its ConfigMaps (envFrom), then its own variables over them. */
  Map<String, String> environment() {
    var container = container();
    var env = new LinkedHashMap<String, String>();
    for (var from : container.getEnvFrom()) {
      assertThat(from.getConfigMapRef()).as("envFrom takes ConfigMaps only").isNotNull();
      env.putAll(one(ConfigMap.class, from.getConfigMapRef().getName()).getData());
    }
    for (var variable : container.getEnv()) env.put(variable.getName(), valueOf(variable));
    return env;
  }

  private String valueOf(io.fabric8.kubernetes.api.model.EnvVar variable) {
    if (variable.getValueFrom() == null) return variable.getValue();
    var from = variable.getValueFrom();
    if (from.getSecretKeyRef() != null) {
      return "secret " + from.getSecretKeyRef().getName() + "/" + from.getSecretKeyRef().getKey();
    }
    if (from.getConfigMapKeyRef() != null) {
      return one(ConfigMap.class, from.getConfigMapKeyRef().getName()).getData().get(from.getConfigMapKeyRef().getKey());
    }
    var field = from.getFieldRef() == null ? null : from.getFieldRef().getFieldPath();
    assertThat(field).as("%s: a value, a secret, a ConfigMap key, the pod's IP or namespace", variable.getName())
        .isIn("status.podIP", "metadata.namespace");
    return field.equals("status.podIP") ? POD_IP : NAMESPACE;
  }

  /** application.conf (and the libraries' reference.conf) with {@code ${?NAME}} taken from the container's environment. */
  Config applicationConfig() {
    return ConfigFactory.parseMap(environment())
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve(ConfigResolveOptions.noSystem());
  }
}
