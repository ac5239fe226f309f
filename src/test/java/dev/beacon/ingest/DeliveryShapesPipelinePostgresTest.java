package dev.beacon.ingest;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Generated delivery shapes end to end on PostgreSQL (required in CI). */
class DeliveryShapesPipelinePostgresTest extends DeliveryShapesPipelineContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
