package dev.beacon.bandit.model;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** The models' streams with the journal in PostgreSQL: a fresh database per test (required in CI). */
class ModelStreamsPostgresTest extends ModelStreamsContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
