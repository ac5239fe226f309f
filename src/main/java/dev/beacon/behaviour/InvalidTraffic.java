package dev.beacon.behaviour;

/**
 * Why an event was flagged as invalid traffic, in the MRC's two classes: general invalid traffic
 * (GIVT: known crawlers and data-centre traffic, told from the event alone) and sophisticated
 * invalid traffic (SIVT: told from the user's behaviour over time). A flagged event is counted
 * raw, never dropped; valid counts, attribution and the bandit leave it out. Persisted by name:
 * add reasons, never rename or remove one.
 */
public enum InvalidTraffic {
  /** GIVT: the user agent matches a known crawler, bot or headless browser. */
  GIVT_KNOWN_BOT,
  /** GIVT: the client's IP address lies in a configured data-centre range. */
  GIVT_DATA_CENTER,
  /** SIVT: the user sent more events in one velocity window (event time) than the limit. */
  SIVT_VELOCITY,
  /** SIVT: the user clicked the same campaign again within the repeat-click window of their previous click on it. */
  SIVT_REPEATED_CLICK,
  /** SIVT: the user clicked again soon after a click that nothing engaging followed. */
  SIVT_UNENGAGED_CLICK;

  /** {@code GIVT} or {@code SIVT}. */
  public String category() {
    return name().substring(0, 4);
  }
}
