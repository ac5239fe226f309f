package dev.beacon.journey;

import dev.beacon.attribution.Touchpoint;
import dev.beacon.common.CborSerializable;
import java.util.Objects;

/**
 * One visit of a user: its id (GA4 {@code <user>.<ga_session_id>}, a campaign event's
 * {@code metadata.sessionId}, or null when its events carry none), when it started and when its
 * latest event happened, its traffic source as a channel and campaign (from its first event), and
 * what decides whether it is engaged. Immutable.
 *
 * @param engagementMillis the sum of its events' engagement (GA4) or view (campaign) durations
 */
public record Session(String sessionId, long startMillis, long endMillis, String channel, String campaign,
    int events, int pageViews, long engagementMillis, boolean engaged) implements CborSerializable {

  public Session {
    Objects.requireNonNull(channel, "channel");
    if (campaign == null || campaign.isBlank()) campaign = Touchpoint.NO_CAMPAIGN;
  }

  /** The session's marketing touch: its traffic source at its start. */
  public Touchpoint touchpoint() {
    return new Touchpoint(channel, campaign, startMillis);
  }
}
