package dev.beacon.privacy;

import dev.beacon.common.CborSerializable;

/**
 * An entity's answer to a request to forget a user: it saved a snapshot at {@code snapshotSequenceNr}
 * that holds nothing of the user, so every journal row and snapshot of {@code persistenceId} below
 * that number can be deleted without losing anything of anyone else.
 */
public record Forgotten(String persistenceId, long snapshotSequenceNr) implements CborSerializable {}
