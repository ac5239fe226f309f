package dev.beacon.ingest;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Generated delivery shapes end to end on H2. */
class DeliveryShapesPipelineH2Test extends DeliveryShapesPipelineContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
