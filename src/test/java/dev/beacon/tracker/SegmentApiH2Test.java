package dev.beacon.tracker;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Segment's HTTP Tracking API on H2. */
class SegmentApiH2Test extends SegmentApiContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
