package dev.beacon.bandit.model;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** The models' streams on the embedded default's database: an H2 file. */
class ModelStreamsH2Test extends ModelStreamsContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
