package dev.beacon.ingest;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** The pipeline contract on PostgreSQL: a fresh database per test (required in CI). */
class IngestPipelinePostgresTest extends IngestPipelineContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
