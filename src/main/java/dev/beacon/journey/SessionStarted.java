package dev.beacon.journey;

import dev.beacon.common.CborSerializable;
import java.time.LocalDate;

/** A session opened; {@code day} is the UTC day of its start. */
public record SessionStarted(String userId, String sessionId, LocalDate day, long startMillis, String channel,
    String campaign) implements CborSerializable {}
