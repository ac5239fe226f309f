package dev.beacon.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {
  @Test
  void perUnitOfZeroCountIsNull() {
    assertNull(Money.perUnit(5_000_000L, 0));
    assertNull(Money.perUnit(0, 0));
  }

  @Test
  void perUnitDividesAndRoundsHalfUpToTheMicro() {
    assertEquals(0, new BigDecimal("2.5").compareTo(Money.perUnit(5_000_000L, 2)));
    assertEquals(0, new BigDecimal("0.333333").compareTo(Money.perUnit(1_000_000L, 3)));
    assertEquals(0, new BigDecimal("0.666667").compareTo(Money.perUnit(2_000_000L, 3)));
    assertEquals(0, BigDecimal.ZERO.compareTo(Money.perUnit(0, 7)));
  }

  @Test
  void toMicrosIsExactAndRoundsHalfUpPastSixDecimals() {
    assertEquals(1_500_000L, Money.toMicros(new BigDecimal("1.50")));
    assertEquals(300_000L, Money.toMicros(new BigDecimal("0.1").add(new BigDecimal("0.2"))));
    assertEquals(1L, Money.toMicros(new BigDecimal("0.0000005")));
    assertEquals(0L, Money.toMicros(new BigDecimal("0.00000049")));
    assertEquals(0L, Money.toMicros(new BigDecimal("0.00000005")));
    assertEquals(2_000_000_000_000L, Money.toMicros(new BigDecimal("2E+6")));
  }

  @Test
  void toMicrosOfAVanishingAmountWithAHugeExponentIsZero() {
    // rounding this by setScale would first have to build 10^999999999
    assertEquals(0L, Money.toMicros(new BigDecimal("1e-999999999")));
  }

  @Test
  void toMicrosRefusesAmountsBeyondALong() {
    assertThrows(ArithmeticException.class, () -> Money.toMicros(new BigDecimal("1e999999999")));
    assertThrows(ArithmeticException.class, () -> Money.toMicros(new BigDecimal("10000000000000")));
  }

  @Test
  void fromMicrosRoundTripsToMicros() {
    for (long micros : new long[] {0, 1, 999_999, 1_500_000, 123_456_789_012L}) {
      assertEquals(micros, Money.toMicros(Money.fromMicros(micros)));
    }
    assertEquals(0, new BigDecimal("1.5").compareTo(Money.fromMicros(1_500_000L)));
  }
}
