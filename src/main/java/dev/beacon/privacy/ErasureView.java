package dev.beacon.privacy;

import java.time.Instant;
import java.util.List;

/** An erasure request as the API shows it: never the user id. */
public record ErasureView(String erasureId, String organizationId, String state, Instant requestedAt, Instant completedAt,
    int attempts, List<String> progress, String lastError) {
  static ErasureView of(ErasureStore.Erasure e) {
    return new ErasureView(e.id(), e.organizationId(), e.state(), e.requestedAt(), e.completedAt(), e.attempts(),
        e.progress(), e.lastError());
  }
}
