package dev.beacon.campaign;

import dev.beacon.common.CborSerializable;
import java.time.Instant;

/**
 * An anomaly of one campaign in one closed hour: which measure ({@link #CTR}, {@link #CONVERSION_RATE},
 * {@link #SPEND_PACE}, {@link #BUDGET_PACE}), its value in that hour, what was expected (the
 * median of the earlier hours; for the budget, the spend an even pace allows by the hour's end),
 * and the score that crossed the threshold (the robust z-score; for the budget, spent over
 * expected). Rates are percentages, money is in currency units.
 */
public record Alert(String metric, Instant hour, double value, double expected, double score, String direction)
    implements CborSerializable {
  public static final String CTR = "ctr";
  public static final String CONVERSION_RATE = "conversion_rate";
  public static final String SPEND_PACE = "spend_pace";
  public static final String BUDGET_PACE = "budget_pace";
  public static final String ABOVE = "above";
  public static final String BELOW = "below";
}
