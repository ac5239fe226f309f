package dev.beacon.faults;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** The faults on the embedded default's database: an H2 file. */
class FaultsH2Test extends FaultsContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
