package dev.beacon.journey;

import dev.beacon.common.CborSerializable;

/** One admitted event for the live feed, with the channel and campaign of its session. */
public record FeedItem(long timestampMillis, String name, String userId, String channel, String campaign)
    implements CborSerializable {}
