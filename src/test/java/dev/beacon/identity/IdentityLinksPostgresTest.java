package dev.beacon.identity;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Identity links in Postgres (required in CI). */
class IdentityLinksPostgresTest extends IdentityLinksContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
