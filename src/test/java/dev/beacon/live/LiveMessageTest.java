package dev.beacon.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An update frame gathers what its messages changed: the newest totals and answers, each campaign, the rows newest first. */
class LiveMessageTest {
  @Test
  void aFrameCarriesEachFieldOnlyWhenAMessageChangedItAndTheNewestOfWhatIsReplaced() throws Exception {
    var messages = List.of(
        new LiveMessage(7, LiveMessage.CAMPAIGN, "campaign:a", "a", "{\"campaignId\":\"a\",\"clicks\":1}"),
        new LiveMessage(8, LiveMessage.DASHBOARD, "dashboard", null, "{\"totalClicks\":1}"),
        new LiveMessage(9, LiveMessage.EVENTS, "events:9", null, "[{\"name\":\"older-1\"},{\"name\":\"older-2\"}]"),
        new LiveMessage(10, LiveMessage.ATTRIBUTION, "attribution", null, "{\"attribution\":{\"n\":1},\"timeseries\":{\"n\":1}}"),
        new LiveMessage(11, LiveMessage.CAMPAIGN, "campaign:b", "b", "{\"campaignId\":\"b\",\"clicks\":2}"),
        new LiveMessage(12, LiveMessage.DASHBOARD, "dashboard", null, "{\"totalClicks\":3}"),
        new LiveMessage(13, LiveMessage.EVENTS, "events:13", null, "[{\"name\":\"newer\"}]"),
        new LiveMessage(14, LiveMessage.EVENTS, "events:14", null, "[]"));

    var frame = Json.MAPPER.readTree(LiveMessage.frame("\"acme \\\"co\\\"\"", messages));

    assertThat(frame.get("type").asText()).isEqualTo("update");
    assertThat(frame.get("id").asLong()).isEqualTo(14);
    assertThat(frame.get("organizationId").asText()).isEqualTo("acme \"co\"");
    assertThat(frame.get("dashboard").get("totalClicks").asLong()).isEqualTo(3);
    assertThat(frame.get("campaigns").findValuesAsText("campaignId")).containsExactly("a", "b");
    assertThat(frame.get("events").findValuesAsText("name")).containsExactly("newer", "older-1", "older-2");
    assertThat(frame.get("attribution").get("n").asInt()).isEqualTo(1);
    assertThat(frame.get("timeseries").get("n").asInt()).isEqualTo(1);
  }

  @Test
  void alertsGoOutInOrderAndNoneReplacesAnother() throws Exception {
    var first = new LiveMessage(4, LiveMessage.ALERT, "alert:4", "a", "{\"campaignId\":\"a\",\"metric\":\"ctr\"}");
    var second = new LiveMessage(5, LiveMessage.ALERT, "alert:5", "a", "{\"campaignId\":\"a\",\"metric\":\"spend_pace\"}");
    var frame = Json.MAPPER.readTree(LiveMessage.frame("\"acme\"", List.of(first, second)));
    assertThat(frame.get("alerts").findValuesAsText("metric")).containsExactly("ctr", "spend_pace");
    assertThat(frame.fieldNames()).toIterable().containsExactly("type", "id", "organizationId", "alerts");
    assertThat(first.conflates()).isFalse();
  }

  @Test
  void aFrameOfOneKindHasOnlyItsField() throws Exception {
    var frame = Json.MAPPER.readTree(LiveMessage.frame("\"acme\"",
        List.of(new LiveMessage(3, LiveMessage.EVENTS, "events:3", null, "[{\"name\":\"x\"}]"))));
    assertThat(frame.fieldNames()).toIterable().containsExactly("type", "id", "organizationId", "events");
  }
}
