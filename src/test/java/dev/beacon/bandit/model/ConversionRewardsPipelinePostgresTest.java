package dev.beacon.bandit.model;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Conversion rewards end to end with the journal and read side in PostgreSQL (required in CI). */
class ConversionRewardsPipelinePostgresTest extends ConversionRewardsPipelineContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
