package dev.beacon.bandit.model;

import dev.beacon.testing.TestDatabase;

/** Model recovery with the journal and snapshots in PostgreSQL (required in CI). */
class BanditModelRecoveryPostgresTest extends BanditModelRecoveryContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
