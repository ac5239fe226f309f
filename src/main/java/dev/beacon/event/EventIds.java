package dev.beacon.event;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Event ids: the sender's own, or the SHA-256 of a canonical form, so that an event sent twice
 * without an id gets the same id twice. Dedup sets keep a 64-bit digest of the id, not the id.
 */
public final class EventIds {
  private static final BigInteger MICROS_PER_SECOND = BigInteger.valueOf(1_000_000L);

  /** One SHA-256 per thread: every event is digested once or twice on the way in. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });

  private EventIds() {}

  /** SHA-256 (hex) over organisation, user, name, timestamp (µs), campaign, value and session. */
  public static String canonical(
      String organizationId, String userId, String name, Instant timestamp,
      String campaignId, long valueMicros, String sessionId) {
    // BigInteger: ids are computed before the time-range rule, so any Instant must work
    var micros = BigInteger.valueOf(timestamp.getEpochSecond()).multiply(MICROS_PER_SECOND)
        .add(BigInteger.valueOf(timestamp.getNano() / 1_000));
    return of(organizationId, userId, name, micros.toString(), campaignId, Long.toString(valueMicros), sessionId);
  }

  /** SHA-256 (hex) over {@code parts} in order, each told from the next; a null part counts as empty. */
  public static String of(String... parts) {
    var text = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) text.append('\u001f');
      text.append(nullToEmpty(parts[i]));
    }
    return HexFormat.of().formatHex(sha256(text.toString()));
  }

  /** The first 64 bits of the id's SHA-256: what bounded dedup windows store per id. */
  public static long digest(String eventId) {
    var hash = sha256(eventId);
    long digest = 0;
    for (int i = 0; i < 8; i++) digest = (digest << 8) | (hash[i] & 0xffL);
    return digest;
  }

  private static byte[] sha256(String text) {
    var digest = SHA256.get();
    digest.reset();
    return digest.digest(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
