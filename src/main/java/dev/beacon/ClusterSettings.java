package dev.beacon;

import com.typesafe.config.Config;
import dev.beacon.common.StartupFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.AddressFromURIString;

/**
 * {@code beacon.cluster}: how this node finds its cluster. No seed nodes: it joins itself (one
 * node, the embedded default). Seed nodes: Pekko joins the first that answers, and a start waits
 * {@code joinTimeout} for this node to be Up.
 *
 * @param seedNodes Pekko addresses of the seed nodes, in order
 * @param joinTimeout how long a start waits to be Up
 */
record ClusterSettings(List<String> seedNodes, Duration joinTimeout) {
  static final String SYSTEM_NAME = "beacon";

  ClusterSettings {
    seedNodes = List.copyOf(seedNodes);
  }

  /** Reads {@code beacon.cluster}; a seed node that is not a Pekko address of system {@value #SYSTEM_NAME} stops the start. */
  static ClusterSettings from(Config cluster) {
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
    return new ClusterSettings(seeds, cluster.getDuration("join-timeout"));
  }

  /** Whether this node forms a cluster of its own. */
  boolean single() {
    return seedNodes.isEmpty();
  }
}
