package dev.beacon.bandit.model;

import java.util.List;
import java.util.Optional;

/**
 * The id of an organisation's model for one user segment: {@code segment@organization}, e.g.
 * {@code high_value@acme}. Every organisation has one for each segment from the start (configured
 * with {@code beacon.bandit.segment-arms} when first used), and {@code segment@organization} with
 * the word {@value #CHOOSER} picks the one of a user's segment. The {@code @} cannot appear in
 * another model's id, so these ids never meet one that a user made up.
 */
record SegmentModelId(String segment, String organizationId) {
  static final char SEPARATOR = '@';
  /** Before the {@code @}: not a segment, but the model of the user's segment. */
  static final String CHOOSER = "segment";

  /** The segment model named by {@code modelId}, when it is one of {@code segments}. */
  static Optional<SegmentModelId> parse(String modelId, List<String> segments) {
    var at = modelId.indexOf(SEPARATOR);
    if (at <= 0 || at == modelId.length() - 1) return Optional.empty();
    var segment = modelId.substring(0, at);
    if (!segments.contains(segment)) return Optional.empty();
    return Optional.of(new SegmentModelId(segment, modelId.substring(at + 1)));
  }

  String modelId() {
    return segment + SEPARATOR + organizationId;
  }
}
