package dev.beacon.tracker;

import dev.beacon.testing.TestDatabase;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** The Measurement Protocol end to end on H2. */
class MeasurementProtocolH2Test extends MeasurementProtocolContract {
  @BeforeAll
  static void startServer() throws IOException {
    start("mp-h2", TestDatabase::h2);
  }
}
