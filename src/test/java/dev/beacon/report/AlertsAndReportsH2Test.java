package dev.beacon.report;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Alerts and reports on H2, the embedded default: the report command reads the server's file from the same JVM. */
class AlertsAndReportsH2Test extends AlertsAndReportsContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
