package dev.beacon.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.beacon.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelGroupingTest {
  private static ChannelGrouping grouping;

  @BeforeAll
  static void load() {
    grouping = ChannelGrouping.load();
  }

  @ParameterizedTest(name = "{0} / {1} / {2} -> {3}")
  @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
      (direct)             | (none)       | (direct)               | Direct
      (direct)             | (not set)    | null                   | Direct
      null                 | null         | null                   | Direct
      google               | cpc          | summer_cross-network_1 | Cross-network
      google               | cpc          | Shopping - Brand       | Paid Shopping
      amazon.com           | ppc          | spring                 | Paid Shopping
      google               | cpc          | brand                  | Paid Search
      bing                 | paidsearch   | generic                | Paid Search
      www.google.co.uk     | cpc          | brand                  | Paid Search
      facebook             | paid_social  | retarget               | Paid Social
      l.facebook.com       | cpc          | spring                 | Paid Social
      youtube              | cpv          | launch                 | Paid Video
      criteo               | display      | retarget               | Display
      dv360                | cpm          | awareness              | Display
      partner-network      | paid         | q4                     | Paid Other
      newsletter-partner   | retargeting  | q4                     | Paid Other
      ebay                 | referral     | (referral)             | Organic Shopping
      blog                 | link         | summer_shop            | Organic Shopping
      blog                 | link         | workshop_q4            | Referral
      instagram.com        | referral     | (referral)             | Organic Social
      forum                | social       | null                   | Organic Social
      vimeo.com            | referral     | (referral)             | Organic Video
      podcast-site         | video        | null                   | Organic Video
      google               | organic      | (organic)              | Organic Search
      duckduckgo.com       | referral     | (referral)             | Organic Search
      <Other>              | organic      | (organic)              | Organic Search
      newsletter           | email        | october                | Email
      e-mail               | (not set)    | null                   | Email
      partnersite          | affiliate    | black-friday           | Affiliates
      qiita.com            | referral     | (referral)             | Referral
      support.google.com   | referral     | (referral)             | Referral
      shop.googlemerchandisestore.com | referral | (referral)      | Referral
      myapp                | app          | null                   | Referral
      spotify              | audio        | podcast-ads            | Audio
      sms                  | text         | null                   | SMS
      twilio               | sms          | null                   | SMS
      onesignal            | web-push     | null                   | Mobile Push Notifications
      braze                | mobile_notification | null            | Mobile Push Notifications
      firebase             | (not set)    | null                   | Mobile Push Notifications
      <Other>              | <Other>      | <Other>                | Unassigned
      (data deleted)       | (data deleted) | (data deleted)       | Unassigned
      null                 | offline      | null                   | Unassigned
      """)
  void typicalSourceMediumCampaignMapsToItsChannel(String source, String medium, String campaign, String channel) {
    assertEquals(channel, grouping.channel(source, medium, campaign));
  }

  @Test
  void matchingIgnoresCaseAndSurroundingSpace() {
    assertEquals("Paid Search", grouping.channel(" Google ", "CPC", null));
    assertEquals("Direct", grouping.channel("(DIRECT)", "(None)", null));
  }

  @Test
  void rulesAreTriedInTableOrder() {
    // cross-network campaign beats everything after it; a paid medium beats the organic rules
    assertEquals("Cross-network", grouping.channel("facebook", "cpc", "pmax_cross-network"));
    assertEquals("Paid Social", grouping.channel("facebook", "cpc", "spring"));
    assertEquals("Organic Social", grouping.channel("facebook", "referral", "spring"));
    // Email comes before Referral in the table
    assertEquals("Email", grouping.channel("email", "referral", null));
  }

  @Test
  void answersStayTheSameWhenTheRememberedVisitsOverflow() {
    var fresh = ChannelGrouping.load();
    assertEquals("Paid Search", fresh.channel("google", "cpc", "brand"));
    for (var i = 0; i < 10_000; i++) assertEquals("Referral", fresh.channel("site" + i + ".example", "referral", null));
    assertEquals("Paid Search", fresh.channel("google", "cpc", "brand"));
    assertEquals("Organic Search", fresh.channel("google", "organic", "brand"));
  }

  @Test
  void listsEveryGa4ChannelInRuleOrderWithUnassignedLast() {
    assertEquals(List.of("Direct", "Cross-network", "Paid Shopping", "Paid Search", "Paid Social", "Paid Video",
        "Display", "Paid Other", "Organic Shopping", "Organic Social", "Organic Video", "Organic Search", "Email",
        "Affiliates", "Referral", "Audio", "SMS", "Mobile Push Notifications", "Unassigned"), grouping.channels());
  }

  @Test
  void aRuleTableWithABadRegexIsRefusedAtLoad() {
    var config = ConfigFactory.parseString("rules = [ { channel = X, when = [ { medium = \"(unclosed\" } ] } ]");
    var e = assertThrows(ConfigException.BadValue.class, () -> ChannelGrouping.from(config));
    assertTrue(e.getMessage().contains("bad regex"), e.getMessage());
  }

  @Test
  void aConditionOnAnUnknownFieldIsRefusedAtLoad() {
    var config = ConfigFactory.parseString("rules = [ { channel = X, when = [ { referrer = \".*\" } ] } ]");
    assertThrows(ConfigException.BadValue.class, () -> ChannelGrouping.from(config));
  }

  /*
   * Expected counts over the 93 sample rows, tallied independently by ga4_reference.py beside the
   * sample in src/test/resources/data/ga4 (json.loads per line; session source = the
   * source/medium/campaign event params when any is present, else page_location UTM tags (none in
   * the sample), else traffic_source), each distinct (source, medium, campaign) triple assigned a
   * channel by hand from GA4's published rules:
   *
   *   session source (triple: rows)                            traffic_source (triple: rows)
   *   google/organic/(organic): 29          Organic Search    google/organic/(organic): 30        Organic Search
   *   <Other>/organic/(organic): 1          Organic Search    <Other>/organic/(organic): 1        Organic Search
   *   (direct)/(none)/(direct): 16          Direct            (direct)/(none)/(direct): 25        Direct
   *   <Other>/<Other>/<Other>: 13           Unassigned        <Other>/<Other>/<Other>: 13         Unassigned
   *   (data deleted) x3: 5                  Unassigned        (data deleted) x3: 6                Unassigned
   *   shop.googlemerchandisestore.com/referral: 14 Referral   shop.googlemerchandisestore.com/referral: 3 Referral
   *   <Other>/referral/(referral): 7        Referral          <Other>/referral/(referral): 10     Referral
   *   qiita.com/referral: 2                 Referral
   *   analytics.google.com, support.google.com /referral: 1 each  Referral
   *   google/cpc/<Other>: 4                 Paid Search       google/cpc/<Other>: 5               Paid Search
   */
  @Test
  void everyGa4SampleRowMapsToAKnownChannelWithTheIndependentlyTalliedCounts() throws IOException {
    var mapper = new ObjectMapper();
    var bySession = new TreeMap<String, Integer>();
    var byFirstTouch = new TreeMap<String, Integer>();
    var rows = 0;
    for (var line : Files.readAllLines(TestData.GA4_SAMPLE)) {
      var row = mapper.readTree(line);
      rows++;
      var ts = row.path("traffic_source");
      var first = grouping.channel(text(ts, "source"), text(ts, "medium"), text(ts, "name"));
      byFirstTouch.merge(first, 1, Integer::sum);
      var params = params(row);
      String session;
      if (params.containsKey("source") || params.containsKey("medium") || params.containsKey("campaign")) {
        session = grouping.channel(params.get("source"), params.get("medium"), params.get("campaign"));
      } else {
        session = first;
      }
      bySession.merge(session, 1, Integer::sum);
    }
    assertEquals(93, rows);
    assertTrue(grouping.channels().containsAll(bySession.keySet()));
    assertEquals(Map.of("Organic Search", 30, "Direct", 16, "Unassigned", 18, "Referral", 25, "Paid Search", 4), bySession);
    assertEquals(Map.of("Organic Search", 31, "Direct", 25, "Unassigned", 19, "Referral", 13, "Paid Search", 5), byFirstTouch);
  }

  private static String text(JsonNode node, String field) {
    var v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Map<String, String> params(JsonNode row) {
    var params = new TreeMap<String, String>();
    for (var p : row.path("event_params")) {
      var value = p.path("value");
      for (var kind : List.of("string_value", "int_value", "double_value", "float_value")) {
        var v = value.get(kind);
        if (v != null && !v.isNull()) {
          params.put(p.path("key").asText(), v.asText());
          break;
        }
      }
    }
    return params;
  }
}
