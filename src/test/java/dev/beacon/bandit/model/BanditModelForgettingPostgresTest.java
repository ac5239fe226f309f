package dev.beacon.bandit.model;

import dev.beacon.testing.TestDatabase;

/** Forgetting a user with the journal and snapshots in PostgreSQL (required in CI). */
class BanditModelForgettingPostgresTest extends BanditModelForgettingContract {
  @Override
  TestDatabase database() {
    return TestDatabase.postgres();
  }
}
