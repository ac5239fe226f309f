package dev.beacon.attribution;

import dev.beacon.common.CborSerializable;

/**
 * What one model gives one channel and campaign for a conversion: a fraction of the conversion
 * and the same fraction of its value (currency units).
 */
public record Credit(String channel, String campaign, double conversions, double value) implements CborSerializable {}
