package dev.beacon.live;

import dev.beacon.common.CborSerializable;

/**
 * One message for dashboard clients, rendered once (by the organisation's hub) into the JSON they
 * receive: {@code {"type": "update", "id": …, "kind": …, …}}. {@code id} rises with every message
 * of the organisation; {@code key} says what a newer message replaces in a client's queue (a
 * campaign's metrics, the totals, the attribution answers), and is unique for what nothing
 * replaces (feed rows); {@code campaignId} is the campaign it is about, null for the whole
 * organisation.
 */
public record LiveMessage(long id, String kind, String key, String campaignId, String json) implements CborSerializable {
  /** Kinds of update. */
  public static final String DASHBOARD = "dashboard";
  public static final String CAMPAIGN = "campaign";
  public static final String ATTRIBUTION = "attribution";
  public static final String EVENTS = "events";

  /** Whether a message with this key is replaced by a newer one in a client's queue. */
  public boolean conflates() {
    return !EVENTS.equals(kind);
  }
}
