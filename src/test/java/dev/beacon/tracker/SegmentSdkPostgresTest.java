package dev.beacon.tracker;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Segment's Node SDK against Beacon on PostgreSQL (required in CI). */
class SegmentSdkPostgresTest extends SegmentSdkContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
