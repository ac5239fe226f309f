package dev.beacon.journey;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Journeys end to end on H2. */
class JourneyPipelineH2Test extends JourneyPipelineContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
