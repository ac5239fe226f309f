package dev.beacon.bandit.model;

import dev.beacon.testing.TestDatabase;

/** Forgetting a user with the journal and snapshots in an H2 file database. */
class BanditModelForgettingH2Test extends BanditModelForgettingContract {
  @Override
  TestDatabase database() {
    return ModelFixtures.h2();
  }
}
