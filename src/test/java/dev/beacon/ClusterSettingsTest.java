package dev.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.BeaconConfig;
import dev.beacon.common.StartupFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code beacon.cluster} as application.conf hands it to Pekko: how a node finds its cluster (itself,
 * seed nodes, the Kubernetes API), the failure detector's and the split-brain resolver's timings,
 * and the lease that switches the resolver to lease-majority; settings that cannot work stop the start.
 */
class ClusterSettingsTest {

  private static Config config(String overrides) {
    return BeaconConfig.withDerived(ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  private static ClusterSettings cluster(String overrides) {
    return ClusterSettings.from(config(overrides).getConfig("beacon.cluster"));
  }

  @Test
  void byDefaultANodeFormsAClusterOfItsOwnAndTheResolverKeepsTheMajority() {
    var config = config("");
    assertThat(cluster("").single()).isTrue();
    assertThat(config.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
    assertThat(config.getDuration("pekko.cluster.split-brain-resolver.stable-after")).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause")).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void theTimingsOperatorsRaiseReachPekko() {
    var config = config("beacon.cluster { heartbeat-pause = 10s, sbr-stable-after = 7s }");
    assertThat(config.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause")).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.getDuration("pekko.cluster.split-brain-resolver.stable-after")).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void kubernetesApiDiscoveryListsThePodsOfTheServiceByRawIpOnTheirManagementPort() {
    var overrides = "beacon.cluster { discovery = kubernetes-api, service-name = shop, required-contact-points = 2 }";
    var settings = cluster(overrides);
    assertThat(settings.single()).isFalse();
    assertThat(settings.discovery()).isEqualTo(ClusterSettings.Discovery.KUBERNETES_API);
    assertThat(settings.podLabelSelector()).isEqualTo("app=shop");
    var bootstrap = config(overrides).getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
    assertThat(bootstrap.getString("discovery-method")).isEqualTo("kubernetes-api");
    assertThat(bootstrap.getString("service-name")).isEqualTo("shop");
    assertThat(bootstrap.getString("port-name")).isEqualTo("management");
    assertThat(bootstrap.getInt("required-contact-point-nr")).isEqualTo(2);
    assertThat(config(overrides).getBoolean("pekko.discovery.kubernetes-api.use-raw-ip")).isTrue();
  }

  @Test
  void seedNodesGivenToTheKubernetesDiscoveryStopTheStart() {
    assertThatThrownBy(() -> cluster("beacon.cluster { discovery = kubernetes-api, seed-nodes = \"pekko://beacon@10.0.0.5:25520\" }"))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("BEACON_CLUSTER_SEED_NODES is set, but BEACON_CLUSTER_DISCOVERY is kubernetes-api, which finds the "
            + "nodes itself; unset one of them");
  }

  @Test
  void anUnknownDiscoveryStopsTheStart() {
    assertThatThrownBy(() -> cluster("beacon.cluster.discovery = dns"))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("BEACON_CLUSTER_DISCOVERY: 'dns' is not seed-nodes or kubernetes-api");
  }

  @Test
  void theLeaseSwitchesTheResolverToLeaseMajorityOnAKubernetesLease() throws ClassNotFoundException {
    var config = config("beacon.cluster.lease = on");
    var resolver = config.getConfig("pekko.cluster.split-brain-resolver");
    assertThat(resolver.getString("active-strategy")).isEqualTo("lease-majority");
    var lease = resolver.getString("lease-majority.lease-implementation");
    var leaseClass = config.getString(lease + ".lease-class");
    assertThat(Class.forName(leaseClass).getSimpleName()).isEqualTo("NativeKubernetesLease");
  }

  @Test
  void anUnreadyWaitAsLongAsItsShutdownPhaseStopsTheStart() {
    assertThatThrownBy(() -> BeaconSettings.from(config("beacon.shutdown.unready-wait = 15s")))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("BEACON_SHUTDOWN_UNREADY_WAIT (15000 ms) must be shorter than "
            + "pekko.coordinated-shutdown.phases.before-service-unbind.timeout (15000 ms)");
    assertThat(BeaconSettings.from(config("")).unreadyWait()).isEqualTo(Duration.ofSeconds(5));
  }
}
