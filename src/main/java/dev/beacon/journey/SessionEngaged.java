package dev.beacon.journey;

import dev.beacon.common.CborSerializable;
import java.time.LocalDate;

/** A session became engaged (at most once per session); day, channel and campaign are those it started with. */
public record SessionEngaged(String userId, String sessionId, LocalDate day, String channel, String campaign)
    implements CborSerializable {}
