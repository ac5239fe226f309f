package dev.beacon.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A dead letter counts under the field its first reason names: few values, whatever the reason's text. */
class DeadLetterReasonsTest {
  @ParameterizedTest(name = "{0} counts as {1}")
  @CsvSource(delimiter = '|', value = {
      "eventType: unknown event type 'teleport'           | eventType",
      "metadata.userId: longer than 200 characters        | metadata",
      "events[3].campaignId: required                     | events",
      "body: malformed JSON at line 1, column 2           | body",
      "an entity could not apply the event                | other",
      "'quoted': not a field                              | other"})
  void theFirstReasonsFieldIsTheReason(String reason, String counted) {
    assertEquals(counted, DeadLetters.reasonOf(List.of(reason, "value: must be a number")));
  }
}
