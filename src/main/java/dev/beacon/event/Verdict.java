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
   * One delivery's verdict when two entities judged it (a journey bucket, then a campaign): a
   * failure anywhere dead-letters it, else counted anywhere counts it, else a position seen
   * before is a redelivery, else it is a duplicate.
   */
  public Verdict and(Verdict other) {
    if (other == null) return this;
    if (this == FAILED || other == FAILED) return FAILED;
    return ordinal() <= other.ordinal() ? this : other;
  }
}
