package dev.beacon.live;

import dev.beacon.common.CborSerializable;
import java.util.List;

/**
 * One change for dashboard clients, rendered once (by the organisation's hub) into the JSON piece
 * they receive: a campaign's metrics, the totals, an array of new feed rows, or the attribution
 * answers ({@code {"attribution": …, "timeseries": …}}), or a campaign's anomaly alert. {@code id} rises with every message of
 * the organisation; {@code key} says what a newer message replaces in a client's queue (a
 * campaign's metrics, the totals, the attribution answers), and is unique for what nothing
 * replaces (feed rows, alerts); {@code campaignId} is the campaign it is about, null for the whole
 * organisation. Clients receive messages gathered into update frames ({@link #frame}).
 */
public record LiveMessage(long id, String kind, String key, String campaignId, String json) implements CborSerializable {
  /** Kinds of update. */
  public static final String DASHBOARD = "dashboard";
  public static final String CAMPAIGN = "campaign";
  public static final String ATTRIBUTION = "attribution";
  public static final String EVENTS = "events";
  public static final String ALERT = "alert";

  /** Whether a message with this key is replaced by a newer one in a client's queue: feed rows and alerts never are. */
  public boolean conflates() {
    return !EVENTS.equals(kind) && !ALERT.equals(kind);
  }

  /**
   * One update frame for a client: what these messages (in order, oldest first) changed, as
   * {@code {"type": "update", "id": <the last message's>, "organizationId": …, "dashboard": …,
   * "campaigns": [...], "events": [...], "alerts": [...], "attribution": …, "timeseries": …}}, each field only when
   * a message changed it: the newest totals and attribution, every campaign's metrics in order
   * (a client's queue keeps only the newest of each), the feed rows newest first, every alert in
   * order. One frame per
   * delivery, however many campaigns moved, keeps the frames a client gets to the rate it reads.
   * {@code quotedOrganizationId} is the organisation as a JSON string.
   */
  public static String frame(String quotedOrganizationId, List<LiveMessage> messages) {
    LiveMessage dashboard = null;
    LiveMessage attribution = null;
    int size = 96;
    for (var m : messages) {
      size += m.json.length() + 1;
      if (DASHBOARD.equals(m.kind)) dashboard = m;
      else if (ATTRIBUTION.equals(m.kind)) attribution = m;
    }
    var out = new StringBuilder(size);
    out.append("{\"type\":\"update\",\"id\":").append(messages.get(messages.size() - 1).id)
        .append(",\"organizationId\":").append(quotedOrganizationId);
    if (dashboard != null) out.append(",\"dashboard\":").append(dashboard.json);
    var first = true;
    for (var m : messages) {
      if (!CAMPAIGN.equals(m.kind)) continue;
      out.append(first ? ",\"campaigns\":[" : ",").append(m.json);
      first = false;
    }
    if (!first) out.append(']');
    first = true;
    for (int i = messages.size() - 1; i >= 0; i--) {
      var m = messages.get(i);
      // an array of rows: its elements join the frame's
      if (!EVENTS.equals(m.kind) || m.json.length() <= 2) continue;
      out.append(first ? ",\"events\":[" : ",").append(m.json, 1, m.json.length() - 1);
      first = false;
    }
    if (!first) out.append(']');
    first = true;
    for (var m : messages) {
      if (!ALERT.equals(m.kind)) continue;
      out.append(first ? ",\"alerts\":[" : ",").append(m.json);
      first = false;
    }
    if (!first) out.append(']');
    // an object of the two answers: its fields join the frame's
    if (attribution != null) out.append(',').append(attribution.json, 1, attribution.json.length() - 1);
    return out.append('}').toString();
  }
}
