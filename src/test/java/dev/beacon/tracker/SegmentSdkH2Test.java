package dev.beacon.tracker;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Segment's Node SDK against Beacon on H2. */
class SegmentSdkH2Test extends SegmentSdkContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
