package dev.beacon.backfill;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** A backfill end to end on H2. */
class Ga4ImportH2Test extends Ga4ImportContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
