package dev.beacon.ingest;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** The pipeline contract on the embedded default's database: an H2 file. */
class IngestPipelineH2Test extends IngestPipelineContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
