package dev.beacon.event;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact money: millionths of a currency unit in a long, converted at the edges only. */
public final class Money {
  private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

  private Money() {}

  /** Whole micros from a decimal amount, rounded half-up past the sixth decimal. */
  public static long toMicros(BigDecimal amount) {
    return amount.multiply(MICROS).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  public static BigDecimal fromMicros(long micros) {
    return BigDecimal.valueOf(micros, 6).stripTrailingZeros();
  }

  /** micros / count as a decimal amount with six decimals, or null when count is 0. */
  public static BigDecimal perUnit(long micros, long count) {
    if (count == 0) return null;
    return BigDecimal.valueOf(micros).divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_UP)
        .movePointLeft(6).stripTrailingZeros();
  }
}
