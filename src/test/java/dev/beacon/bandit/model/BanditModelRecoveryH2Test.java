package dev.beacon.bandit.model;

import dev.beacon.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Model recovery with the journal and snapshots in an H2 file database. */
class BanditModelRecoveryH2Test extends BanditModelRecoveryContract {
  @Override
  TestDatabase database() {
    try {
      return TestDatabase.h2(Files.createTempDirectory("beacon-model-recovery"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
