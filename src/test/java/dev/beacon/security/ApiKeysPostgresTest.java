package dev.beacon.security;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** API keys in PostgreSQL (required in CI). */
class ApiKeysPostgresTest extends ApiKeysContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
