package dev.beacon.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.beacon.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

/**
 * One channel's figures for the test path file, as the independent reference
 * (src/test/resources/attribution/markov_reference.py, exact fractions) wrote them to
 * data/attribution/reference.csv; the tests compare Beacon's solvers with these.
 */
record AttributionReference(String channel, double removalEffect, double markovConversions, double markovValue,
    double firstConversions, double firstValue, double lastConversions, double lastValue,
    double linearConversions, double linearValue, double shapleyConversions, double shapleyValue) {
  private static final String HEADER = "channel,removal_effect,markov_conv,markov_value,first_conv,first_value,"
      + "last_conv,last_value,linear_conv,linear_value,shapley_conv,shapley_value";

  /** Every channel of the file, sorted by name: twelve of them. */
  static List<AttributionReference> load() throws IOException {
    var lines = Files.readAllLines(TestData.ATTRIBUTION_REFERENCE);
    assertEquals(HEADER, lines.get(0));
    var rows = lines.stream().skip(1).filter(l -> !l.isBlank()).map(AttributionReference::parse).toList();
    assertEquals(12, rows.size());
    return rows;
  }

  private static AttributionReference parse(String line) {
    var fields = line.split(",");
    var v = Arrays.stream(fields, 1, fields.length).mapToDouble(Double::parseDouble).toArray();
    assertEquals(11, v.length, line);
    return new AttributionReference(fields[0], v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
  }
}
