package dev.beacon.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  private static final Instant T = Instant.parse("2024-05-01T11:59:00.123456Z");

  @Test
  void digestIsStable() {
    // the first 8 bytes of SHA-256("evt-1"); dedup state written by one run must match the next
    assertEquals(0x7b409f932d2c88e9L, EventIds.digest("evt-1"));
    assertEquals(EventIds.digest("evt-1"), EventIds.digest(new String("evt-1")));
  }

  @Test
  void digestDiffersForDifferentIds() {
    var digests = new HashSet<Long>();
    for (int i = 0; i < 10_000; i++) digests.add(EventIds.digest("evt-" + i));
    assertEquals(10_000, digests.size());
    assertNotEquals(EventIds.digest("evt-1"), EventIds.digest("evt-2"));
  }

  @Test
  void canonicalIdIsTheSha256OfTheCanonicalForm() {
    // SHA-256 of "acme␟u-1␟click␟1714564740123456␟spring-sale␟250000␟s-1" (␟ = U+001F):
    // pinned, since a changed form would let every redelivered event through dedup
    assertEquals("543bfde24f2a4b6a129a2b634b41e1f4259a0529b91219c40de6826b9bd6ef05",
        EventIds.canonical("acme", "u-1", "click", T, "spring-sale", 250_000L, "s-1"));
  }

  @Test
  void canonicalIdSeesMicrosecondsButNotNanoseconds() {
    var id = EventIds.canonical("acme", "u-1", "click", T, "c", 0, null);
    assertEquals(id, EventIds.canonical("acme", "u-1", "click", T.plusNanos(999), "c", 0, null));
    assertNotEquals(id, EventIds.canonical("acme", "u-1", "click", T.plusNanos(1_000), "c", 0, null));
  }

  @Test
  void canonicalIdDoesNotConfuseAdjacentFields() {
    // the separator keeps ("ab", "c") and ("a", "bc") apart
    assertNotEquals(
        EventIds.canonical("acme", "ab", "c", T, null, 0, null),
        EventIds.canonical("acme", "a", "bc", T, null, 0, null));
  }

  @Test
  void canonicalIdWorksForInstantsBeyondLongMicros() {
    // ids are computed before the time-range rule refuses such an event
    var far = Instant.ofEpochMilli(Long.MAX_VALUE);
    assertTrue(EventIds.canonical("acme", "u", "click", far, null, 0, null).matches("[0-9a-f]{64}"));
    assertNotEquals(
        EventIds.canonical("acme", "u", "click", far, null, 0, null),
        EventIds.canonical("acme", "u", "click", Instant.MIN, null, 0, null));
  }
}
