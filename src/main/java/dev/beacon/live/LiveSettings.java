package dev.beacon.live;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * {@code beacon.live}: the bound of each client's queue, how often an idle stream gets a
 * heartbeat, when a client that reads nothing is disconnected and an unused subscription
 * removed, how many delivered updates are held for an SSE resume, how long committed attribution
 * changes are gathered before the answers are read again, the rows of the live feed kept per
 * organisation, the update frames a node sends its clients per second at most (0: no bound), how often a hub publishes what changed (and how long a flush waits for the rest of
 * a batch's changes), and the origins a browser may open the websocket from (besides the server's own).
 */
public record LiveSettings(int queueSize, Duration heartbeat, Duration stuckTimeout, Duration idleTimeout, int resumeBuffer,
    Duration attributionDebounce, Duration publishInterval, Duration publishDelay, int feedSize, int maxFramesPerSecond,
    List<String> allowedOrigins) {

  public LiveSettings {
    allowedOrigins = List.copyOf(allowedOrigins);
    if (queueSize < 1 || resumeBuffer < 0 || feedSize < 1 || maxFramesPerSecond < 0) {
      throw new IllegalArgumentException("beacon.live: queue-size and feed-size must be at least 1, resume-buffer and "
          + "max-frames-per-second at least 0");
    }
  }

  /**
   * The least time between two update frames to one client when {@code subscriptions} follow on
   * this node: the node's frame budget shared among them (0 when there is no bound).
   */
  public long frameSpacingMillis(int subscriptions) {
    return maxFramesPerSecond == 0 ? 0 : 1000L * subscriptions / maxFramesPerSecond;
  }

  public static LiveSettings from(Config c) {
    return new LiveSettings(c.getInt("queue-size"), c.getDuration("heartbeat"), c.getDuration("stuck-timeout"),
        c.getDuration("idle-timeout"), c.getInt("resume-buffer"), c.getDuration("attribution-debounce"),
        c.getDuration("publish-interval"), c.getDuration("publish-delay"), c.getInt("feed-size"), c.getInt("max-frames-per-second"), c.getStringList("allowed-origins"));
  }
}
