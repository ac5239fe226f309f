package dev.beacon.common;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** Reading query parameters with a field-level reason for each bad one. */
public final class QueryParams {
  private QueryParams() {}

  /** An ISO date (YYYY-MM-DD), empty when absent; a reason when malformed. */
  public static Optional<LocalDate> date(Optional<String> text, String name, List<String> reasons) {
    if (text.isEmpty()) return Optional.empty();
    try {
      return Optional.of(LocalDate.parse(text.get().trim()));
    } catch (DateTimeParseException e) {
      reasons.add(name + ": must be a date as YYYY-MM-DD");
      return Optional.empty();
    }
  }
}
