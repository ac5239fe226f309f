package dev.beacon.journey;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Journeys end to end on PostgreSQL (required in CI). */
class JourneyPipelinePostgresTest extends JourneyPipelineContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
