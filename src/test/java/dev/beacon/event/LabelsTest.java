package dev.beacon.event;

import static dev.beacon.event.EventFixtures.DEFAULT_TIME;
import static dev.beacon.event.EventFixtures.bytes;
import static dev.beacon.event.EventFixtures.campaignEvent;
import static dev.beacon.event.EventFixtures.parser;
import static dev.beacon.event.EventFixtures.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Repeated values of low-cardinality fields are one shared instance; the rules still apply. */
class LabelsTest {

  @Test
  void eventsOfOneParserShareTheirOrganisationCampaignAndTypeButNotTheirUsers() {
    var parser = parser();
    var first = valid(parser.parse(bytes(campaignEvent("click")), DEFAULT_TIME));
    var second = valid(parser.parse(bytes(campaignEvent("click")), DEFAULT_TIME));

    assertEquals(first.organizationId(), second.organizationId());
    assertSame(first.organizationId(), second.organizationId());
    assertSame(first.campaignId(), second.campaignId());
    assertSame(first.name(), second.name());
    assertEquals(first.userId(), second.userId());
    assertNotSame(first.userId(), second.userId(), "user ids are many: not pooled");
  }

  @Test
  void anOrganisationIdOnceValidDoesNotExcuseAnInvalidOne() {
    var parser = parser();
    valid(parser.parse(bytes(campaignEvent("click")), DEFAULT_TIME));
    var bad = campaignEvent("click").put("organizationId", "acme corp!");

    var reasons = EventFixtures.reasons(parser.parse(bytes(bad), DEFAULT_TIME));
    assertTrue(reasons.stream().anyMatch(r -> r.startsWith("organizationId: must match")), reasons.toString());
    var again = EventFixtures.reasons(parser.parse(bytes(bad), DEFAULT_TIME));
    assertEquals(reasons, again, "an invalid id is never remembered as valid");
  }

  @Test
  void aFullPoolStartsAfreshAndStillAnswersEqualValues() {
    var labels = new Labels(3);
    var a = new String("a");
    assertSame(a, labels.canonical(a));
    assertSame(a, labels.canonical(new String("a")));
    for (var i = 0; i < 10; i++) labels.canonical("v" + i);

    assertNull(labels.known("v0"), "the pool was emptied when it outgrew its bound");
    assertEquals("v9", labels.known("v9"));
    assertEquals("a", labels.canonical(new String("a")));
    assertNull(labels.canonical(null));
  }
}
