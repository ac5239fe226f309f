package dev.beacon.attribution;

import dev.beacon.common.CborSerializable;
import java.util.List;

/**
 * A change to the organisation's {@link PathCounts}: {@code nulls} -1 takes the user's open
 * journey off its old path, +1 puts it on its new one; {@code conversions} 1 with its value adds
 * a converted journey. Apply with {@link PathCounts#apply}.
 */
public record PathChange(String userId, List<String> path, long conversions, double value, long nulls)
    implements CborSerializable {
  public PathChange {
    path = List.copyOf(path);
  }
}
