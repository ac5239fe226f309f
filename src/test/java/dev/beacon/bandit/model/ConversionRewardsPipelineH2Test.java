package dev.beacon.bandit.model;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Conversion rewards end to end with the journal and read side in H2, the embedded default. */
class ConversionRewardsPipelineH2Test extends ConversionRewardsPipelineContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
