package dev.beacon.bandit.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each of the 21 dimensions from a profile worked by hand, and the edges: no purchases, no sessions, unknown device and channel. */
class ContextFeaturesTest {
  private static final long NOW = Instant.parse("2026-12-01T18:00:00Z").toEpochMilli();
  private static final long DAY = 86_400_000L;

  @Test
  void aBuyersContextDimensionByDimension() {
    var profile = new CustomerProfile(4, 399.0, NOW - 400 * DAY, NOW - 12 * DAY - 5_000, 10, 7, 35, "Mobile", "Paid Social");

    var x = ContextFeatures.of(profile, NOW);

    assertThat(x).hasSize(ContextFeatures.DIMENSION).hasSize(ContextFeatures.NAMES.size());
    assertThat(x[0]).isEqualTo(1.0);
    assertThat(x[1]).isCloseTo(Math.log(5), within(1e-12));
    assertThat(x[2]).isCloseTo(Math.log(400), within(1e-12));
    assertThat(x[3]).isCloseTo(Math.log(1 + 99.75), within(1e-12));
    assertThat(x[4]).isEqualTo(365.0); // 400 days, capped
    assertThat(x[5]).isEqualTo(12.0); // whole days
    assertThat(x[6]).isEqualTo(1.0);
    assertThat(x[7]).isCloseTo(Math.log(11), within(1e-12));
    assertThat(x[8]).isCloseTo(0.7, within(1e-12));
    assertThat(x[9]).isCloseTo(Math.log(1 + 3.5), within(1e-12));
    assertThat(new double[] {x[10], x[11], x[12]}).containsExactly(0, 1, 0);
    assertThat(new double[] {x[13], x[14], x[15], x[16], x[17], x[18]}).containsExactly(0, 0, 1, 0, 0, 0);
    // 18:00 UTC: three quarters round the clock
    assertThat(x[19]).isCloseTo(-1.0, within(1e-12));
    assertThat(x[20]).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void someoneWithoutPurchasesOrSessionsOnAnUnknownDeviceAndChannel() {
    var x = ContextFeatures.of(CustomerProfile.unknown(null, null), NOW);

    assertThat(x[1]).isZero();
    assertThat(x[3]).isZero();
    assertThat(x[4]).isZero();
    assertThat(x[5]).isEqualTo(365.0);
    assertThat(x[6]).isZero();
    assertThat(x[8]).isZero();
    assertThat(x[9]).isZero();
    assertThat(new double[] {x[10], x[11], x[12]}).containsExactly(0, 0, 0);
    assertThat(x[18]).isEqualTo(1.0);
  }

  @Test
  void everyDefaultChannelGroupHasItsDimension() {
    assertThat(ContextFeatures.channelDimension("Direct")).isEqualTo(13);
    assertThat(ContextFeatures.channelDimension("Organic Search")).isEqualTo(14);
    assertThat(ContextFeatures.channelDimension("Paid Shopping")).isEqualTo(14);
    assertThat(ContextFeatures.channelDimension("Organic Video")).isEqualTo(15);
    assertThat(ContextFeatures.channelDimension("SMS")).isEqualTo(16);
    assertThat(ContextFeatures.channelDimension("Affiliates")).isEqualTo(17);
    assertThat(ContextFeatures.channelDimension("Display")).isEqualTo(18);
    assertThat(ContextFeatures.channelDimension("Unassigned")).isEqualTo(18);
  }

  @Test
  void aProfileThatCannotBeIsRefused() {
    assertThatThrownBy(() -> new CustomerProfile(-1, 0, null, null, 0, 0, 0, null, null)).hasMessageContaining("0 or more");
    assertThatThrownBy(() -> new CustomerProfile(1, Double.NaN, NOW, NOW, 0, 0, 0, null, null)).hasMessageContaining("totalSpent");
    assertThatThrownBy(() -> new CustomerProfile(1, 10, NOW, null, 0, 0, 0, null, null)).hasMessageContaining("both");
    assertThatThrownBy(() -> new CustomerProfile(1, 10, NOW, NOW - DAY, 0, 0, 0, null, null)).hasMessageContaining("first purchase");
  }
}
