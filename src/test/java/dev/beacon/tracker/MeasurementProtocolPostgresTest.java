package dev.beacon.tracker;

import dev.beacon.testing.TestDatabase;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** The Measurement Protocol end to end on PostgreSQL (required in CI). */
class MeasurementProtocolPostgresTest extends MeasurementProtocolContract {
  @BeforeAll
  static void startServer() throws IOException {
    start("mp-pg", dir -> TestDatabase.postgres());
  }
}
