package dev.beacon.journey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Json;
import dev.beacon.journey.AttributionQueries.ChannelCredit;
import dev.beacon.journey.AttributionQueries.ChannelSessions;
import dev.beacon.journey.AttributionReplies.Amount;
import dev.beacon.journey.AttributionReplies.Comparison;
import dev.beacon.journey.AttributionReplies.DataDriven;
import dev.beacon.journey.AttributionReplies.Day;
import dev.beacon.journey.AttributionReplies.ModelSummary;
import dev.beacon.journey.AttributionReplies.RuleChannels;
import dev.beacon.journey.AttributionReplies.Timeseries;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The attribution bodies as JSON: field names and order, and null where a figure has no denominator. */
class AttributionRepliesTest {
  private static final LocalDate DAY = LocalDate.parse("2026-11-01");

  private static String json(Object body) throws Exception {
    return Json.MAPPER.writeValueAsString(body);
  }

  @Test
  void aComparisonSumsEachModelAndShiftsEveryChannelWithNullPercentWithoutFirstClicks() throws Exception {
    var byModel = Map.of(
        "first_click", Map.of("Direct", new ChannelCredit("Direct", 2, 20)),
        "last_click", new TreeMap<>(Map.of("Direct", new ChannelCredit("Direct", 1, 10), "Email", new ChannelCredit("Email", 1, 10))));
    var comparison = Comparison.of("acme", DAY, DAY, byModel, List.of(new ChannelSessions("Direct", 3, 1)));
    assertThat(json(comparison)).isEqualTo("{\"organizationId\":\"acme\",\"from\":\"2026-11-01\",\"to\":\"2026-11-01\","
        + "\"models\":{\"first_click\":{\"conversions\":2.0,\"revenue\":20.0,\"channels\":[{\"channel\":\"Direct\",\"conversions\":2.0,\"revenue\":20.0}]},"
        + "\"last_click\":{\"conversions\":2.0,\"revenue\":20.0,\"channels\":[{\"channel\":\"Direct\",\"conversions\":1.0,\"revenue\":10.0},"
        + "{\"channel\":\"Email\",\"conversions\":1.0,\"revenue\":10.0}]},"
        + "\"linear\":{\"conversions\":0.0,\"revenue\":0.0,\"channels\":[]},"
        + "\"time_decay\":{\"conversions\":0.0,\"revenue\":0.0,\"channels\":[]},"
        + "\"position_based\":{\"conversions\":0.0,\"revenue\":0.0,\"channels\":[]}},"
        + "\"firstToLastClickShift\":{\"Direct\":{\"firstClick\":2.0,\"lastClick\":1.0,\"shift\":-1.0,\"shiftPercent\":-50.0},"
        + "\"Email\":{\"firstClick\":0.0,\"lastClick\":1.0,\"shift\":1.0,\"shiftPercent\":null}},"
        + "\"sessions\":[{\"channel\":\"Direct\",\"sessions\":3,\"engagedSessions\":1}]}");
  }

  @Test
  void aRuleModelsChannelsCarryTheRangeThenTheSummary() throws Exception {
    var summary = ModelSummary.of(Map.of("Email", new ChannelCredit("Email", 1.5, 3)));
    assertThat(json(RuleChannels.of("acme", "linear", DAY, DAY, summary))).isEqualTo(
        "{\"organizationId\":\"acme\",\"model\":\"linear\",\"from\":\"2026-11-01\",\"to\":\"2026-11-01\","
            + "\"conversions\":1.5,\"revenue\":3.0,\"channels\":[{\"channel\":\"Email\",\"conversions\":1.5,\"revenue\":3.0}]}");
  }

  @Test
  void aTimeseriesDayHasItsDateThenOneFieldPerModel() throws Exception {
    var models = new LinkedHashMap<String, Amount>();
    models.put("first_click", Amount.NONE);
    models.put("last_click", new Amount(1, 9.5));
    assertThat(json(new Timeseries("acme", List.of(new Day(DAY, models))))).isEqualTo(
        "{\"organizationId\":\"acme\",\"days\":[{\"date\":\"2026-11-01\","
            + "\"first_click\":{\"conversions\":0.0,\"revenue\":0.0},\"last_click\":{\"conversions\":1.0,\"revenue\":9.5}}]}");
  }

  @Test
  void shapleyIsNullNotMissingWhenThereAreTooManyChannels() throws Exception {
    assertThat(json(new DataDriven("acme", 4, 0.25, 1, 10, List.of(), null))).isEqualTo(
        "{\"organizationId\":\"acme\",\"journeys\":4,\"conversionProbability\":0.25,\"totalConversions\":1,"
            + "\"totalValue\":10.0,\"channels\":[],\"shapley\":null}");
  }
}
