package dev.beacon.event;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact money: millionths of a currency unit in a long, converted at the edges only. */
public final class Money {
  private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

  private Money() {}

  /** Whole micros from a decimal amount, rounded half-up past the sixth decimal. */
  public static long toMicros(BigDecimal amount) {
    // amounts below 1e-7 round to 0; rounding them by setScale would first build 10^scale,
    // which overflows for a text such as "1e-999999999" and takes seconds for "1e-20000000"
    if (amount.signum() == 0 || amount.scale() - amount.precision() >= 7) return 0;
    if (amount.precision() - amount.scale() > 19) {
      throw new ArithmeticException("amount " + amount + " does not fit in micros");
    }
    return amount.multiply(MICROS).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  public static BigDecimal fromMicros(long micros) {
    return plain(BigDecimal.valueOf(micros, 6));
  }

  /** micros / count as a decimal amount (at most six decimals, half-up), or null when count is 0. */
  public static BigDecimal perUnit(long micros, long count) {
    if (count == 0) return null;
    return plain(BigDecimal.valueOf(micros).divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_UP).movePointLeft(6));
  }

  /** Without trailing zeros, but never in exponent form: 10, not 1E+1. */
  public static BigDecimal plain(BigDecimal amount) {
    var stripped = amount.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
