package dev.beacon.event;

/**
 * What an entity made of one delivery of an event (one Kafka record: a partition and offset).
 * The verdict is about the delivery, never about the event id: of two deliveries of one event,
 * one is {@link #APPLIED} and the other a {@link #DUPLICATE}, wherever they land.
 */
public enum Verdict {
  /** Counted now: the first delivery of its event that this entity applied. */
  APPLIED,
  /** A position this entity judged before (a crash or rebalance read the record again): changes nothing. */
  REDELIVERED,
  /** A retry: the same event was counted from another delivery within the dedup window. */
  DUPLICATE,
  /** The entity could not handle the event; it goes to the dead-letter topic with its reason. */
  FAILED;

  /**
   * One delivery's verdict when two parts judged it in turn, {@code this} being the later part's
   * (a campaign after the journey bucket): a failure in either dead-letters it; otherwise the
   * later part decides. It knows the earlier verdict (a campaign counts no delivery its journey
   * judged a retry) and tells a redelivery by its offset, so its verdict is the one that holds
   * once across nodes: when a rebalance hands records still in flight on one node to another,
   * the journey may apply a delivery on one node and the campaign on the other, and "applied by
   * either part" would count it on both.
   */
  public Verdict after(Verdict earlier) {
    if (earlier == null) return this;
    if (this == FAILED || earlier == FAILED) return FAILED;
    return this;
  }
}
