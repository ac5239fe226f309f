package dev.beacon.event;

import dev.beacon.common.CborSerializable;

/**
 * What a user agreed to, by purpose, as one event says it: {@code analytics} (journeys, paths,
 * learning from the user) and {@code adPersonalization} (decisions on the user's features,
 * rewards that train). Each purpose is granted, denied, or not said (null): an event that says
 * nothing leaves the user's last known choice as it was.
 */
public record Consent(Boolean analytics, Boolean adPersonalization) implements CborSerializable {
  /** An event that says nothing about consent. */
  public static final Consent UNSAID = new Consent(null, null);

  public static Consent of(Boolean analytics, Boolean adPersonalization) {
    return analytics == null && adPersonalization == null ? UNSAID : new Consent(analytics, adPersonalization);
  }

  public boolean isUnsaid() {
    return analytics == null && adPersonalization == null;
  }

  /** This event's choices over {@code earlier}: a purpose it does not mention keeps the earlier choice. */
  public Consent over(Consent earlier) {
    if (earlier == null || earlier.isUnsaid()) return this;
    return of(analytics != null ? analytics : earlier.analytics,
        adPersonalization != null ? adPersonalization : earlier.adPersonalization);
  }
}
