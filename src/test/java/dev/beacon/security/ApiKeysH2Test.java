package dev.beacon.security;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** API keys in an H2 file database. */
class ApiKeysH2Test extends ApiKeysContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
