package dev.beacon.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The data files the tests read, from the test classpath (src/test/resources/data): a README.md
 * beside each says where it came from and how the figures the tests expect were computed.
 */
public final class TestData {
  /** 93 rows of Google's public GA4 sample export, every row of 20 users, Nov 2020 – Jan 2021. */
  public static final Path GA4_SAMPLE = resource("data/ga4/events.ndjson");
  /** All 700 rows of the GA4 sample (Nov 2020 – Jan 2021, 178 users, 206 sessions, no purchase), gzip-compressed. */
  public static final Path GA4_SAMPLE_700 = resource("data/ga4/events-700.ndjson.gz");
  /** Nine synthetic GA4 rows written for the import tests: three purchases, two of a paid campaign. */
  public static final Path GA4_IMPORT_PURCHASES = resource("data/ga4/import-purchases.ndjson");
  /** Synthetic aggregated conversion paths in the ChannelAttribution layout, 12 channels. */
  public static final Path ATTRIBUTION_PATHS = resource("data/attribution/paths.csv");
  /** Per channel figures of {@link #ATTRIBUTION_PATHS} from an independent implementation in exact fractions. */
  public static final Path ATTRIBUTION_REFERENCE = resource("data/attribution/reference.csv");

  /** 200 rows of the Open Bandit Dataset's men's campaign logged by the uniform-random policy, with its 34 items beside. */
  public static final Path OPEN_BANDIT_RANDOM = resource("data/open-bandit/random/men.csv");
  /** 400 rows of the Open Bandit Dataset's men's campaign logged by Bernoulli Thompson sampling, with its 34 items beside. */
  public static final Path OPEN_BANDIT_BTS = resource("data/open-bandit/bts/men.csv");
  /** Five hand-made rounds in the Open Bandit layout, 3 items (tiny_item_context.csv beside); expected figures in the tests' comments. */
  public static final Path BANDIT_TINY_LOG = resource("bandit/tiny.csv");

  private TestData() {}

  private static Path resource(String name) {
    var url = TestData.class.getClassLoader().getResource(name);
    if (url == null) throw new IllegalStateException(name + " is not on the test classpath (src/test/resources)");
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(name + ": " + url, e);
    }
  }
}
