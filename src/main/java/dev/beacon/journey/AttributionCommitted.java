package dev.beacon.journey;

import dev.beacon.common.LiveUpdate;

/** The read side committed journey facts of the organisation: its attribution answers may have changed. */
public record AttributionCommitted(String organizationId) implements LiveUpdate {}
