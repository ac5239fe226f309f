package dev.beacon.report;

import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;

/** Alerts and reports on PostgreSQL (required in CI): the report command reads while the server runs. */
class AlertsAndReportsPostgresTest extends AlertsAndReportsContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }
}
