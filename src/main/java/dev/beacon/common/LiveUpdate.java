package dev.beacon.common;

/**
 * What an entity or a projection says changed, for the live dashboards: each feature defines its
 * own (a campaign's new metrics, a bucket's new feed rows, credits committed on the read side),
 * and the live feature, which knows them all, turns them into what clients receive. Sent between
 * nodes, hence serializable.
 */
public interface LiveUpdate extends CborSerializable {
  /** The organisation it is about: updates go to that organisation's subscribers only. */
  String organizationId();
}
