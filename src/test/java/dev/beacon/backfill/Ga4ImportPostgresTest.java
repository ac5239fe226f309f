package dev.beacon.backfill;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** A backfill end to end on PostgreSQL (required in CI). */
class Ga4ImportPostgresTest extends Ga4ImportContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
