package dev.beacon.identity;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Identity links in H2. */
class IdentityLinksH2Test extends IdentityLinksContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
