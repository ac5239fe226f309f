package dev.beacon;

import com.typesafe.config.Config;
import dev.beacon.common.StartupFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.AddressFromURIString;

/**
 * {@code beacon.cluster}: how this node finds its cluster. Seed nodes: Pekko joins the first that
 * answers; none: it joins itself (one node, the embedded default). Kubernetes API: Pekko
 * Management's cluster bootstrap lists the pods to find its contact points. Either way a start
 * waits {@code joinTimeout} for this node to be Up.
 *
 * @param discovery how this node finds the others
 * @param seedNodes Pekko addresses of the seed nodes, in order
 * @param joinTimeout how long a start waits to be Up
 * @param podLabelSelector the label selector of the pods discovery lists, the service name in it
 * @param requiredContactPoints contact points that must answer before a new cluster forms
 */
record ClusterSettings(Discovery discovery, List<String> seedNodes, Duration joinTimeout, String podLabelSelector,
    int requiredContactPoints) {
  static final String SYSTEM_NAME = "beacon";

  /** The values of {@code beacon.cluster.discovery}. */
  enum Discovery {
    SEED_NODES, KUBERNETES_API;

    String setting() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  ClusterSettings {
    seedNodes = List.copyOf(seedNodes);
  }

  /**
   * Reads {@code beacon.cluster}; a seed node that is not a Pekko address of system {@value #SYSTEM_NAME},
   * an unknown discovery, or seed nodes given to the Kubernetes discovery stop the start.
   */
  static ClusterSettings from(Config cluster) {
    var discovery = discovery(cluster.getString("discovery"));
    var seeds = new ArrayList<String>();
    for (var part : cluster.getString("seed-nodes").split(",")) {
      var seed = part.strip();
      if (seed.isEmpty()) continue;
      try {
        var address = AddressFromURIString.parse(seed);
        if (!SYSTEM_NAME.equals(address.system()) || address.host().isEmpty() || address.port().isEmpty()) {
          throw new IllegalArgumentException("not pekko://" + SYSTEM_NAME + "@host:port");
        }
      } catch (Exception e) {
        // AddressFromURIString throws MalformedURLException, checked, from Scala
        throw new StartupFailure("BEACON_CLUSTER_SEED_NODES: '" + seed + "' is not a seed node address, pekko://"
            + SYSTEM_NAME + "@host:port (" + e.getMessage() + ")", e);
      }
      seeds.add(seed);
    }
    if (discovery == Discovery.KUBERNETES_API && !seeds.isEmpty()) {
      throw new StartupFailure("BEACON_CLUSTER_SEED_NODES is set, but BEACON_CLUSTER_DISCOVERY is kubernetes-api, "
          + "which finds the nodes itself; unset one of them", null);
    }
    var selector = cluster.getString("pod-label-selector").replace("%s", cluster.getString("service-name"));
    return new ClusterSettings(discovery, seeds, cluster.getDuration("join-timeout"), selector,
        cluster.getInt("required-contact-points"));
  }

  private static Discovery discovery(String setting) {
    for (var discovery : Discovery.values()) {
      if (discovery.setting().equals(setting)) return discovery;
    }
    throw new StartupFailure("BEACON_CLUSTER_DISCOVERY: '" + setting + "' is not seed-nodes or kubernetes-api", null);
  }

  /** Whether this node forms a cluster of its own. */
  boolean single() {
    return discovery == Discovery.SEED_NODES && seedNodes.isEmpty();
  }
}
