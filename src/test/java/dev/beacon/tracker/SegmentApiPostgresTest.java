package dev.beacon.tracker;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Segment's HTTP Tracking API on Postgres (required in CI). */
class SegmentApiPostgresTest extends SegmentApiContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
