package dev.beacon.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.campaign.AnomalyDetector.Hour;
import java.util.Collections;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class AnomalyDetectorProperties {
  private final AnomalyDetector detector = new AnomalyDetector(AnomalyDetectorTest.SETTINGS);

  @Property(tries = 300)
  void aConstantSeriesNeverAlerts(@ForAll @LongRange(min = 100, max = 1_000_000) long impressions,
      @ForAll @LongRange(min = 0, max = 100_000) long clicks, @ForAll @LongRange(min = 0, max = 100_000) long conversions,
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long spendMicros, @ForAll @IntRange(min = 0, max = 23) int hours) {
    var hour = new Hour(impressions, Math.min(clicks, impressions), Math.min(conversions, clicks), spendMicros);
    assertThat(detector.judge(0, hour, Collections.nCopies(hours, hour), 0, 0)).isEmpty();
  }

  @Property(tries = 300)
  void aStepChangeAlerts(@ForAll @LongRange(min = 100, max = 1_000_000) long impressions,
      @ForAll @DoubleRange(min = 0.01, max = 0.4) double ctr, @ForAll @DoubleRange(min = 1.5, max = 2.5) double step,
      @ForAll @IntRange(min = 6, max = 23) int hours) {
    var clicks = Math.max(1, Math.round(impressions * ctr));
    var before = new Hour(impressions, clicks, 0, clicks * 1_000_000);
    var stepped = Math.round(clicks * step);
    var after = new Hour(impressions, stepped, 0, stepped * 1_000_000);
    assertThat(detector.judge(0, after, Collections.nCopies(hours, before), 0, 0))
        .extracting(Alert::metric).contains(Alert.CTR, Alert.SPEND_PACE);
  }
}
