package dev.beacon.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One wire format that Beacon reads: it recognises its own documents and maps them onto the
 * normalised {@link Event}. Adding a format means one more implementation registered in
 * {@link EventParser}.
 */
interface WireFormat {
  String name();

  boolean recognises(JsonNode root);

  /** The event, or null when {@code reasons} got at least one entry. */
  Event read(JsonNode root, Instant defaultTime, Fields fields, Reasons reasons);
}
