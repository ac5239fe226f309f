package dev.beacon.event;

/**
 * Where an event comes from. A live event older than the retention window ({@code max-age}) is
 * refused; an import of history (a backfill, marked as such on the topic) keeps its real time,
 * however old. Both are refused further ahead than {@code max-future}.
 */
public enum Origin { LIVE, IMPORT }
